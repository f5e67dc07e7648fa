package io.edgecert.web;

import java.util.List;

/**
 * One group of API calls (one capability). Its endpoints are registered by {@link ApiRoutes} and
 * described by {@link OpenApiDocument}, from the same list.
 */
public interface Routes {
    List<Endpoint> endpoints();
}
