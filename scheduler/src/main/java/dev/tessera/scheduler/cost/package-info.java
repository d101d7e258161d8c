/**
 * Cost models: what a kernel is ({@link dev.tessera.scheduler.cost.KernelInfo}), the predicted time of a
 * schedule with its breakdown ({@link dev.tessera.scheduler.cost.Prediction}), each target's model
 * ({@link dev.tessera.scheduler.cost.CpuCostModel}, {@link dev.tessera.scheduler.cost.GpuCostModel}, {@link
 * dev.tessera.scheduler.cost.MeshCostModel}), least-squares calibration of its coefficients
 * ({@link dev.tessera.scheduler.cost.Calibration}) and rank correlation for judging a model against measurements.
 */
package dev.tessera.scheduler.cost;
