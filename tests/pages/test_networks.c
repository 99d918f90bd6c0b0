/*
 * test_networks.c - (being written)
 */
#include <criterion/criterion.h>
