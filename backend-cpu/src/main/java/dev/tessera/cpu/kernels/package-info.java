/**
 * Dense f32 building blocks the generated CPU kernels call: register-blocked matrix products and
 * row-wise transcendental functions, each with a Vector API implementation (loaded only when
 * {@code jdk.incubator.vector} is present) and a scalar fallback.
 */
package dev.tessera.cpu.kernels;
