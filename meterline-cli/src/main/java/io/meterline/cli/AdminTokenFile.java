package io.meterline.cli;

import io.meterline.server.domain.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The admin token {@code serve} keeps in its data directory ({@code admin.token}, readable by its
 * owner only) when none is given: made at the first start, the same at every start after.
 */
final class AdminTokenFile {
  private AdminTokenFile() {}

  static Path of(Path dataDir) {
    return dataDir.resolve("admin.token");
  }

  /** The token in the file, made first if there is none. */
  static String loadOrCreate(Path dataDir) throws IOException {
    Path file = of(dataDir);
    if (!Files.exists(file)) {
      Path tmp = Files.createTempFile(dataDir, ".admin", ".token.tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system; the directory's permissions apply
        }
        Files.writeString(tmp, Ids.adminToken() + "\n", StandardCharsets.US_ASCII);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
          // another start made it first: that one is the token
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (token.isEmpty()) {
      throw new IOException(file + " is empty: delete it to have a new admin token made");
    }
    return token;
  }
}
