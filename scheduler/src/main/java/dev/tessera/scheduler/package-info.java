/**
 * Schedules: the data that says how a kernel runs on a target ({@link dev.tessera.scheduler.Schedule},
 * knob names in {@link dev.tessera.scheduler.Knobs}), shared by scheduler and backends, and
 * {@link dev.tessera.scheduler.Legality}, which checks a schedule against a hardware profile
 * ({@link dev.tessera.scheduler.profile}) for given problem sizes.
 */
package dev.tessera.scheduler;
