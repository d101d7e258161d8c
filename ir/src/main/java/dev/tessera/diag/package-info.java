/** Diagnostics: positioned, coded messages for users, and their rendering. */
package dev.tessera.diag;
