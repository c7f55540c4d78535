#!/usr/bin/env bash
# The image's file system below the application: a Java runtime cut to the modules the server
# uses (jlink, from the JDK running the build), the shared libraries that runtime loads (copied
# from this machine, found with ldd), a non-root user, /tmp and the data directory.
# Usage: rootfs.sh JAVA_HOME OUTPUT_DIR
set -euo pipefail
java_home="$1"
root="$2"
rm -rf "$root"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/data"

# What the application's jars use (jdeps over meterline.jar and its libraries; not java.desktop,
# which Jackson and the PostgreSQL driver use only when present), and jdk.crypto.ec
# and jdk.zipfs, which are found through service loading.
modules=java.base,java.logging,java.management,java.naming,java.net.http
modules+=,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management
modules+=,jdk.unsupported,jdk.zipfs
"$java_home/bin/jlink" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$root/opt/java"

# Every library the runtime's binaries need, at the path the loader looks for it.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2> /dev/null \
  | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' \
  | grep -v "^$root/" \
  | sort -u \
  | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
# What native code in the application's jars loads (SQLite's driver, Netty's epoll transport) and
# the loader by its canonical path (/lib64 is a link on the build machine).
for lib in /lib/x86_64-linux-gnu/libpthread.so.0 /lib/x86_64-linux-gnu/libdl.so.2 \
    /lib/x86_64-linux-gnu/librt.so.1 /lib64/ld-linux-x86-64.so.2; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
meterline:x:10001:10001:Meterline:/data:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
meterline:x:10001:
GROUP
