package dev.keel.cli.server;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one reading of a {@code --db} value, shared by {@code keel server} and the commands that
 * manage its users and teams, so the command the server's start-up hint prints opens the same
 * database the server does.
 */
public final class DbLocation {
    /** The forms, for option descriptions and error messages. */
    public static final String FORMS = "jdbc:postgresql://HOST/DB, a .keel folder (or the folder holding one),"
            + " a keel.db file, sqlite:FILE or jdbc:sqlite:FILE";

    private DbLocation() {}

    /**
     * {@code db} as a store location: PostgreSQL URLs as they are, SQLite files and Keel folders
     * as {@code sqlite:ABSOLUTE_FILE}. A folder that does not hold a store yet becomes a Keel home
     * (created, like the SDK does), unless it is a project folder, whose {@code .keel} is then the one meant.
     */
    public static String storeLocation(String db) {
        if (db.startsWith("jdbc:postgresql:")) {
            return db;
        }
        if (db.startsWith("jdbc:sqlite:")) {
            return sqliteFile(db, db.substring("jdbc:sqlite:".length()));
        }
        if (db.startsWith("sqlite:")) {
            return sqliteFile(db, db.substring("sqlite:".length()));
        }
        if (db.startsWith("jdbc:") || db.matches("[a-z][a-z0-9+.-]*://.*")) {
            throw unsupported(db);
        }
        Path path = Path.of(db).toAbsolutePath().normalize();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        boolean file = Files.isRegularFile(path)
                || (!Files.exists(path)
                        && (name.endsWith(".db") || name.endsWith(".sqlite") || name.endsWith(".sqlite3")));
        if (file) {
            return sqliteFile(db, path.toString());
        }
        // A project folder (holding .keel or keel.yaml) means its .keel, as KeelHome.resolve finds it.
        Path nested = path.resolve(".keel");
        if (!Files.exists(new KeelHome(path).database())
                && (Files.isDirectory(nested) || Files.isRegularFile(path.resolve("keel.yaml")))) {
            path = nested;
        }
        return new KeelHome(path).ensureExists().storeLocation();
    }

    private static String sqliteFile(String db, String file) {
        if (file.isBlank()) {
            throw unsupported(db);
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            throw KeelException.invalid("--db '" + db + "': the folder " + path.getParent()
                    + " does not exist: create it, or give a .keel folder (created when missing)");
        }
        return "sqlite:" + path;
    }

    private static KeelException unsupported(String db) {
        return KeelException.invalid(
                "--db '" + db + "': only jdbc:postgresql://… and SQLite databases are supported; give " + FORMS);
    }
}
