package io.edgecert.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The {@code edgecert} command. {@code serve} runs a node; every other command is a client of a
 * running node's REST API (EDGECERT_URL, EDGECERT_TOKEN), in the manner of the AWS CLI's acm and
 * cloudfront commands. Exit codes: 0 done, 1 the server refused, 2 usage, 3 cannot connect or
 * read a file, 4 a waited-for job did not succeed.
 */
@Command(name = "edgecert", mixinStandardHelpOptions = true, version = "edgecert 0.1.0",
        description = "Import customer certificates and serve them on a TLS edge.",
        subcommands = {
                ServeCommand.class,
                CertificateCommands.ImportCertificate.class,
                CertificateCommands.ListCertificates.class,
                CertificateCommands.DescribeCertificate.class,
                CertificateCommands.DeleteCertificate.class,
                CertificateCommands.AddTags.class,
                CertificateCommands.RemoveTags.class,
                DistributionCommands.CreateDistribution.class,
                DistributionCommands.GetDistribution.class,
                DistributionCommands.ListDistributions.class,
                DistributionCommands.UpdateDistribution.class,
                DistributionCommands.DeleteDistribution.class,
                DistributionCommands.ListVersions.class,
                InvalidationCommands.class,
                JobCommands.StartImportJob.class,
                JobCommands.DescribeJob.class,
                JobCommands.ListJobs.class,
                JobCommands.WaitJob.class,
                JobCommands.CleanupJob.class,
                JobCommands.ListJobItems.class,
                JobCommands.WatchJob.class,
                SubscriptionCommands.ListSubscriptions.class,
                SubscriptionCommands.CreateSubscription.class,
                SubscriptionCommands.DeleteSubscription.class,
                SubscriptionCommands.GetSubscription.class,
                SubscriptionCommands.TestSubscription.class,
                SubscriptionCommands.ListDeliveries.class,
                PolicyCommands.CachePolicies.class,
                PolicyCommands.OriginRequestPolicies.class,
                PolicyCommands.ResponseHeadersPolicies.class,
                ApiDocumentCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class EdgecertCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return commandLine(CliContext.system());
    }

    /** The command tree wired to this context: its streams, its environment, its terminal. */
    public static CommandLine commandLine(CliContext ctx) {
        CommandLine cl = new CommandLine(new EdgecertCommand(), new ContextFactory(ctx));
        Charset charset = Charset.defaultCharset();
        cl.setOut(new PrintWriter(new OutputStreamWriter(ctx.out(), charset), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(ctx.err(), charset), true));
        cl.setExecutionExceptionHandler((e, command, parseResult) -> {
            if (e instanceof CliException failure) {
                ctx.err().println(failure.getMessage());
                ctx.err().flush();
                return failure.exitCode();
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Picocli's factory, plus handing each client command the context it runs in. */
    private record ContextFactory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            K instance = CommandLine.defaultFactory().create(cls);
            if (instance instanceof ClientCommand command) {
                command.ctx = ctx;
            }
            return instance;
        }
    }
}
