/** Schedules: the data that says how a kernel runs on a target, shared by scheduler and backends. */
package dev.tessera.scheduler;
