/*
 * interest.c - (being written)
 */
