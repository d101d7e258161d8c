/** The {@code tessera} command-line interface. */
package dev.tessera.cli;
