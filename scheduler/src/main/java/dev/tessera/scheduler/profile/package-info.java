/**
 * Hardware profiles: the figures of a target machine, read from {@code NAME.profile} files
 * (built-ins beside these classes, user files from a {@code --profile-dir}) plus the detected
 * {@code host}. A file is {@code key = value} lines with units in the key names; {@code #} starts a
 * comment line; {@code kind} (gpu, mesh or cpu) says which record it becomes and which keys it
 * must have. Unknown keys, bad numbers and missing fields are {@link
 * dev.tessera.scheduler.profile.ProfileException}s naming the file, line and field. The format and
 * every key are described in {@code docs/profiles.md}.
 */
package dev.tessera.scheduler.profile;
