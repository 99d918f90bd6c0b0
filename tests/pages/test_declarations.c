/*
 * test_declarations.c - (being written)
 */
#include <criterion/criterion.h>
