/*
 * networks.c - (being written)
 */
