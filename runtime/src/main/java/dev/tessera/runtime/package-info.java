/**
 * Running kernels: the reference interpreter (double precision), dimension binding, input
 * preparation and generation, and FLOP counting.
 */
package dev.tessera.runtime;
