/** Reading and writing NumPy's {@code .npy} format. */
package dev.tessera.runtime.npy;
