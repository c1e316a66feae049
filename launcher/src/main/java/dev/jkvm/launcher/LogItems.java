package dev.jkvm.launcher;

import dev.jkvm.core.bus.IoBus;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** QEMU's {@code -d item,…}: turns on the debug logs jkvm has, on stderr. */
final class LogItems {
    private LogItems() {
    }

    /** Returns the configured loggers: java.util.logging holds loggers weakly, so the caller must keep them. */
    static List<Logger> enable(String items) {
        List<Logger> loggers = new ArrayList<>();
        for (String item : items.split(",")) {
            switch (item) {
                case "unimp", "guest_errors" -> loggers.add(debug(IoBus.LOGGER_NAME));
                default -> throw new UsageException("-d " + items + ": unknown log item '" + item
                        + "' (jkvm has: unimp, guest_errors)");
            }
        }
        return loggers;
    }

    private static Logger debug(String loggerName) {
        Logger logger = Logger.getLogger(loggerName);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        return logger;
    }
}
