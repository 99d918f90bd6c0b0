/*
 * q_interest.c - (being written)
 */
