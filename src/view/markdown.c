/*
 * markdown.c - (being written)
 */
