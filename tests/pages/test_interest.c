/*
 * test_interest.c - (being written)
 */
#include <criterion/criterion.h>
