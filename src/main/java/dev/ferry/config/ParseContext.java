package dev.ferry.config;

import java.nio.file.Path;

/**
 * What a value needs to be read: the folder relative paths start from (the config file's folder for
 * values from the file, the working directory otherwise) and the home folder for a leading {@code ~}.
 */
record ParseContext(Path baseDir, Path home) {

    /** Resolves a path as a person typed it: {@code ~} and {@code ~/x} from home, relative from baseDir. */
    Path path(String text) {
        String t = text.strip();
        Path p;
        if (t.equals("~")) {
            p = home;
        } else if (t.startsWith("~/")) {
            p = home.resolve(t.substring(2));
        } else {
            p = baseDir.resolve(t);
        }
        return p.toAbsolutePath().normalize();
    }
}
