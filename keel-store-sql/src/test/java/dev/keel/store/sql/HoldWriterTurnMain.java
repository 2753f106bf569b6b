package dev.keel.store.sql;

import java.nio.file.Path;

/** A child process of {@link WriterTurnTest}: takes the writer turn of a database and holds it until stdin closes. */
public final class HoldWriterTurnMain {
    private HoldWriterTurnMain() {
    }

    public static void main(String[] args) throws Exception {
        WriterTurn turn = WriterTurn.forDatabase(Path.of(args[0]));
        try (WriterTurn.Held held = turn.take()) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold until the parent closes our stdin
            }
        }
        turn.release();
    }
}
