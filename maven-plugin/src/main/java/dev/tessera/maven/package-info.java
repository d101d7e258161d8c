/**
 * {@code tessera-maven-plugin}: the {@code tessera:compile} goal, which checks every
 * {@code src/main/tessera/**}{@code /*.attn} source during the build and generates a typed Java
 * facade per kernel over {@code tessera-api}. See docs/api.md.
 */
package dev.tessera.maven;
