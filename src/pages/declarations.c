/*
 * declarations.c - (being written)
 */
