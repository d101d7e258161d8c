/**
 * The CUDA launcher: loads the PTX or cubin the CUDA backend wrote, allocates and fills the
 * buffers its launch manifest lists, runs the launches in order through the driver API (JCuda),
 * times them with events and copies the outputs back. {@link dev.tessera.runtime.cuda.CudaLauncher}
 * is the entry.
 */
package dev.tessera.runtime.cuda;
