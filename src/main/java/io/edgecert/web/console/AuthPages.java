package io.edgecert.web.console;

import io.edgecert.web.console.Views.Errors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sign in (password or admin token), sign out, change password. */
final class AuthPages {
    private static final Logger log = LoggerFactory.getLogger(AuthPages.class);
    static final String THROTTLED = "Too many failed sign-ins from your address; wait 15 minutes and try again.";
    private final Console console;
    private final LoginThrottle throttle;

    AuthPages(Console console) {
        this.console = console;
        this.throttle = new LoginThrottle(console.clock);
    }

    void routes(Javalin app) {
        app.get("/login", this::loginPage);
        app.post("/login", this::login);
        app.post("/login/token", this::loginWithToken);
        app.post("/logout", this::logout);
        app.get("/account/password", ctx -> passwordPage(ctx, 200, Errors.none()));
        app.post("/account/password", this::changePassword);
    }

    private void loginPage(Context ctx) {
        if (console.accounts.session(ctx.cookie(Console.SESSION_COOKIE)).isPresent()) {
            ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
            return;
        }
        renderLogin(ctx, 200, null, "");
    }

    private void renderLogin(Context ctx, int status, String error, String user) {
        // double-submit token for the sign-in form: a cookie and the same value in the form. An
        // existing one is kept, so that two sign-in pages (tabs, a stray redirect) both work.
        String existing = ctx.cookie(Console.LOGIN_COOKIE);
        String csrf = existing != null && existing.matches("[A-Za-z0-9_-]{43}") ? existing : Accounts.randomToken();
        Console.setCookie(ctx, Console.LOGIN_COOKIE, csrf, false);
        console.render(ctx, status, "login.jte", Console.params("frame", console.anonymousFrame(ctx, "Sign in", csrf),
                "error", error, "user", user, "next", safeNext(ctx.queryParam("next"))));
    }

    private void login(Context ctx) {
        String user = Console.form(ctx, "user").strip();
        String password = Console.form(ctx, "password");
        String client = ctx.ip();
        if (!throttle.attempt(user, client)) {
            renderLogin(ctx, 429, THROTTLED, user);
            return;
        }
        Optional<Accounts.User> ok = console.accounts.authenticate(user, password);
        if (ok.isEmpty()) {
            log.info("Console sign-in failed for user '{}' from {}", user.replaceAll("[^A-Za-z0-9._@-]", "?"), client);
            renderLogin(ctx, 401, "The user name or the password is wrong.", user);
            return;
        }
        throttle.succeeded(user, client);
        start(ctx, ok.get().name(), ok.get().mustChange() ? "/account/password" : safeNext(Console.form(ctx, "next")));
        log.info("Console user {} signed in from {}", ok.get().name(), client);
    }

    private void loginWithToken(Context ctx) {
        String client = ctx.ip();
        if (!throttle.attempt(Accounts.TOKEN_USER, client)) {
            renderLogin(ctx, 429, THROTTLED, "");
            return;
        }
        if (!console.adminToken.matches(Console.form(ctx, "token").strip())) {
            renderLogin(ctx, 401, "That is not the admin token.", "");
            return;
        }
        throttle.succeeded(Accounts.TOKEN_USER, client);
        start(ctx, Accounts.TOKEN_USER, safeNext(Console.form(ctx, "next")));
        log.info("Console session opened with the admin token from {}", client);
    }

    private void start(Context ctx, String user, String next) {
        String cookie = console.accounts.openSession(user);
        Console.setCookie(ctx, Console.SESSION_COOKIE, cookie, false);
        Console.setCookie(ctx, Console.LOGIN_COOKIE, "", true);
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        console.pending.dropSession(console.session(ctx).idHash());
        console.accounts.closeSession(ctx.cookie(Console.SESSION_COOKIE));
        Console.setCookie(ctx, Console.SESSION_COOKIE, "", true);
        ctx.redirect("/login?flash=signed-out", HttpStatus.SEE_OTHER);
    }

    private void passwordPage(Context ctx, int status, Errors errors) {
        Accounts.Session s = console.session(ctx);
        console.render(ctx, status, "password.jte", Console.params("frame", console.frame(ctx, "Change password", "account"),
                "mustChange", s.mustChange(), "viaToken", s.viaAdminToken(), "errors", errors,
                "minLength", Passwords.MIN_LENGTH));
    }

    private void changePassword(Context ctx) {
        Accounts.Session s = console.session(ctx);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        if (s.viaAdminToken()) {
            passwordPage(ctx, 400, new Errors(Map.of(), List.of("A session opened with the admin token has no password to change.")));
            return;
        }
        String current = Console.form(ctx, "current");
        String next = Console.form(ctx, "password");
        String repeat = Console.form(ctx, "repeat");
        if (console.accounts.authenticate(s.user(), current).isEmpty()) {
            errors.put("current", List.of("this is not your current password"));
        }
        String problem = Passwords.problem(next, s.user());
        if (problem != null) {
            errors.put("password", List.of(problem));
        } else if (next.equals(current)) {
            errors.put("password", List.of("the new password must differ from the current one"));
        }
        if (!next.equals(repeat)) {
            errors.put("repeat", List.of("the two new passwords differ"));
        }
        if (!errors.isEmpty()) {
            passwordPage(ctx, 400, new Errors(errors, List.of()));
            return;
        }
        console.accounts.changePassword(s.user(), next, s.idHash());
        ctx.redirect("/?flash=password-changed", HttpStatus.SEE_OTHER);
    }

    /** Only same-site paths: "/x", never "//host" or "/\host" (open redirects). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.startsWith("/login") || next.length() > 2000 || next.chars().anyMatch(Character::isISOControl)) {
            return "/";
        }
        return next;
    }
}
