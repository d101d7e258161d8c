package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Npy#write} either produces the whole file or leaves the directory as it was. */
class NpyWriteTest {
  private static final NpyArray ARRAY =
      new NpyArray(NpyType.F32, new int[] {2, 2}, new double[] {1, 2, 3, 4});

  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesExactlyTheBytesAndNoTempFile() throws Exception {
    Path p = dir.resolve("a.npy");
    Npy.write(p, ARRAY);
    assertThat(Files.readAllBytes(p)).isEqualTo(Npy.toBytes(ARRAY));
    assertThat(listing()).containsExactly("a.npy");
  }

  @Test
  void replacesExistingFile() throws Exception {
    Path p = dir.resolve("a.npy");
    Files.writeString(p, "old contents that are longer than nothing");
    Npy.write(p, ARRAY);
    assertThat(Npy.read(p)).isEqualTo(ARRAY);
    assertThat(listing()).containsExactly("a.npy");
  }

  @Test
  void relativePathWorks() throws Exception {
    Path p = Path.of("target", "npy-write-test-relative.npy");
    Files.createDirectories(p.getParent());
    try {
      Npy.write(p, ARRAY);
      assertThat(Npy.read(p)).isEqualTo(ARRAY);
    } finally {
      Files.deleteIfExists(p);
    }
  }

  @Test
  void missingDirectoryLeavesNothing() {
    Path p = dir.resolve("missing").resolve("a.npy");
    assertThrows(IOException.class, () -> Npy.write(p, ARRAY));
    assertThat(Files.exists(p)).isFalse();
    assertThat(Files.exists(p.getParent())).isFalse();
  }

  @Test
  void failedRenameRemovesTempFile() throws Exception {
    // A non-empty directory cannot be replaced by a file, so the final move fails.
    Path target = dir.resolve("a.npy");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep"), "x");
    assertThrows(IOException.class, () -> Npy.write(target, ARRAY));
    assertThat(listing()).containsExactly("a.npy");
    assertThat(Files.isDirectory(target)).isTrue();
  }

  @Test
  void invalidValuesLeaveExistingFileUntouched() throws Exception {
    Path p = dir.resolve("a.npy");
    Npy.write(p, ARRAY);
    NpyArray bad = new NpyArray(NpyType.I8, new int[] {1}, new double[] {1000});
    assertThrows(IllegalArgumentException.class, () -> Npy.write(p, bad));
    assertThat(Npy.read(p)).isEqualTo(ARRAY);
    assertThat(listing()).containsExactly("a.npy");
  }

  @Test
  void resultIsNotOwnerOnly() throws Exception {
    PosixFileAttributeView view =
        Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    assumeTrue(view != null, "needs a POSIX file system");
    Path probe = Files.createFile(dir.resolve("probe"));
    Path p = dir.resolve("a.npy");
    Npy.write(p, ARRAY);
    assertThat(Files.getPosixFilePermissions(p))
        .isEqualTo(Files.getPosixFilePermissions(probe));
    assertThat(Files.getPosixFilePermissions(p)).contains(PosixFilePermission.OWNER_READ);
  }
}
