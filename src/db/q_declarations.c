/*
 * q_declarations.c - (being written)
 */
