/**
 * The autotuner: measures candidate schedules on a real runner and remembers the fastest. {@link
 * dev.tessera.scheduler.tune.Autotuner} takes a best-first candidate list (today {@link
 * dev.tessera.scheduler.tune.CpuCandidates}; later the cost model's top-k), a {@link
 * dev.tessera.scheduler.tune.Autotuner.Runner} that times one schedule, a {@link
 * dev.tessera.scheduler.tune.Budget} and a {@link dev.tessera.scheduler.tune.Autotuner.Progress}
 * callback. Results live in {@link dev.tessera.scheduler.tune.TuneCache}, a text file beside the
 * host profile, keyed by {@link dev.tessera.scheduler.tune.TuneKey} (kernel hash, profile, shape
 * bucket), so a second run of the same tuning answers at once. {@link
 * dev.tessera.scheduler.tune.GpuCalibration} fits the GPU cost model's weights to what a CUDA
 * tuning session measured and stores them per GPU profile.
 */
package dev.tessera.scheduler.tune;
