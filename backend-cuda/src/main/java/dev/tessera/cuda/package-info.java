/**
 * The CUDA backend: turns a kernel of the tensor program into readable CUDA C plus a launch
 * manifest, and, where {@code nvcc} is installed, PTX and a cubin. {@link dev.tessera.cuda.CudaBackend}
 * is the entry; everything else is package-private.
 */
package dev.tessera.cuda;
