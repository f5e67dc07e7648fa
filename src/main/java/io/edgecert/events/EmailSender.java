package io.edgecert.events;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends an event as a plain-text email through the configured SMTP server, one connection per
 * message (notifications are rare; a pooled connection would only go stale in between). Every
 * network step has a timeout, so a hung server costs one worker thread for a bounded time.
 */
final class EmailSender implements Sender {
    private final SmtpSettings smtp;
    private final Session session;
    private final Clock clock;

    EmailSender(SmtpSettings smtp, Duration connectTimeout, Duration ioTimeout, Clock clock) {
        this.smtp = smtp;
        this.clock = clock;
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", String.valueOf(smtp.port()));
        p.put("mail.smtp.connectiontimeout", String.valueOf(connectTimeout.toMillis()));
        p.put("mail.smtp.timeout", String.valueOf(ioTimeout.toMillis()));
        p.put("mail.smtp.writetimeout", String.valueOf(ioTimeout.toMillis()));
        p.put("mail.smtp.auth", String.valueOf(smtp.user().isPresent()));
        switch (smtp.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case TLS -> p.put("mail.smtp.ssl.enable", "true");
            case NONE -> { }
        }
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        this.session = Session.getInstance(p);
    }

    @Override
    public Outcome send(Target target, Event event) {
        EventMessages.Message message = EventMessages.render(event);
        try {
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(new InternetAddress(smtp.from(), true));
            mime.setRecipients(RecipientType.TO, InternetAddress.parse(target.endpoint(), true));
            mime.setSubject(message.subject(), "UTF-8");
            mime.setText(message.text(), "UTF-8");
            mime.setSentDate(Date.from(clock.instant()));
            mime.setHeader("X-Edgecert-Event-Id", event.id());
            mime.setHeader("X-Edgecert-Event-Type", event.type());
            if (smtp.user().isPresent()) {
                Transport.send(mime, smtp.user().get(), smtp.password().orElse(""));
            } else {
                Transport.send(mime);
            }
            return Outcome.delivered(Optional.empty());
        } catch (MessagingException e) {
            return Outcome.failed(replyCode(e), "SMTP " + smtp.host() + ":" + smtp.port() + ": " + describe(e));
        }
    }

    /** The server's reply code (550, 421, ...) when it gave one. */
    private static Optional<Integer> replyCode(MessagingException e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPSendFailedException f) {
                return Optional.of(f.getReturnCode());
            }
            if (x instanceof SMTPAddressFailedException f) {
                return Optional.of(f.getReturnCode());
            }
        }
        return Optional.empty();
    }

    private static String describe(MessagingException e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()).strip());
        Throwable cause = e.getNextException() != null ? e.getNextException() : e.getCause();
        if (cause != null && cause.getMessage() != null && !b.toString().contains(cause.getMessage())) {
            b.append(" (").append(cause.getMessage().strip()).append(')');
        }
        return b.toString();
    }
}
