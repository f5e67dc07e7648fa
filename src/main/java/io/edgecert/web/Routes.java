package io.edgecert.web;

import io.javalin.Javalin;

/** One group of API routes (one capability), added to the server in one visible place. */
public interface Routes {
    void routes(Javalin app);
}
