package coop.comptoir.testing.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.WebhookClient;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.message.MessageUpdateEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JDA 6.5.0, unmodified, against the fake: what a Discord bridge built on JDA will do. */
class JdaAgainstFakeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeDiscord discord;
    private JDA jda;
    private final List<GenericEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        discord = FakeDiscord.start();
        jda = connect(discord, events);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (jda != null) {
            jda.shutdownNow();
            jda.awaitShutdown(Duration.ofSeconds(5));
        }
        discord.close();
    }

    /** The JDABuilder setup that points JDA at the fake. */
    static JDA connect(FakeDiscord discord, List<GenericEvent> events) {
        JDA jda = JDABuilder.createLight(discord.botToken(), EnumSet.of(GatewayIntent.GUILD_MESSAGES,
                        GatewayIntent.MESSAGE_CONTENT, GatewayIntent.GUILD_MESSAGE_REACTIONS, GatewayIntent.GUILD_WEBHOOKS))
                .setRestConfig(new RestConfig().setBaseUrl(discord.restBaseUrl()))
                .setSessionController(new SessionControllerAdapter() {
                    @Override
                    public String getGateway() {
                        return discord.gatewayUrl();
                    }
                })
                .setCompression(Compression.NONE)
                .addEventListeners((net.dv8tion.jda.api.hooks.EventListener) events::add)
                .build();
        return assertTimeoutPreemptively(WAIT, jda::awaitReady, "JDA did not get READY from the fake");
    }

    /** The first event received so far or within the wait (events are kept, so the order of waits is free). */
    @SuppressWarnings("unchecked")
    private <T extends GenericEvent> T next(Class<T> type, Predicate<T> predicate) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (GenericEvent e : events) {
                if (type.isInstance(e) && predicate.test((T) e)) {
                    return (T) e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT);
    }

    private TextChannel general() {
        return jda.getTextChannelById(discord.channel("general").id());
    }

    @Test
    void receivesWhatHumansSayAndSendsEditsDeletesAndReacts() throws InterruptedException {
        FakeChannel general = discord.channel("general");
        FakeUser alice = discord.user("alice");
        assertThat(jda.getGuilds()).extracting(g -> g.getName()).containsExactly("Comptoir");

        discord.userSays(general.id(), alice.id(), "Bonjour " + discord.bot().mention() + " !");
        MessageReceivedEvent received = next(MessageReceivedEvent.class, e -> !e.getAuthor().isBot());
        assertThat(received.getMessage().getContentRaw()).isEqualTo("Bonjour <@" + discord.bot().id() + "> !");
        assertThat(received.getAuthor().getName()).isEqualTo("alice");
        assertThat(received.getAuthor().getGlobalName()).isEqualTo("Alice");
        assertThat(received.getMessage().getMentions().getUsers()).extracting(u -> u.getId()).containsExactly(discord.bot().id());

        Message sent = general().sendMessage("Salut Alice").complete();
        assertThat(discord.messagesIn(general.id())).extracting(FakeMessage::content).containsExactly(
                "Bonjour <@" + discord.bot().id() + "> !", "Salut Alice");
        RecordedCall post = discord.awaitRequest(c -> c.is("POST", "/channels/\\d+/messages"), WAIT);
        assertThat(post.json().path("content").asText()).isEqualTo("Salut Alice");
        assertThat(post.headers().get("authorization")).isEqualTo("Bot ***");
        // Discord echoes the bot's own message on the Gateway
        MessageReceivedEvent echo = next(MessageReceivedEvent.class, e -> e.getMessageId().equals(sent.getId()));
        assertThat(echo.getAuthor().getId()).isEqualTo(discord.bot().id());

        sent.editMessage("Salut Alice !").complete();
        next(MessageUpdateEvent.class, e -> e.getMessageId().equals(sent.getId()));
        assertThat(discord.findMessage(sent.getId()).orElseThrow().content()).isEqualTo("Salut Alice !");
        assertThat(discord.findMessage(sent.getId()).orElseThrow().isEdited()).isTrue();

        received.getMessage().addReaction(net.dv8tion.jda.api.entities.emoji.Emoji.fromUnicode("👍")).complete();
        assertThat(discord.findMessage(received.getMessageId()).orElseThrow().reactions())
                .containsExactly(new FakeMessage.Reaction(Emoji.unicode("👍"), java.util.List.of(discord.bot().id())));

        discord.userReacts(general.id(), sent.getId(), alice.id(), "❤️");
        MessageReactionAddEvent reaction = next(MessageReactionAddEvent.class, e -> e.getUserId().equals(alice.id()));
        assertThat(reaction.getEmoji().getName()).isEqualTo("❤️");
        assertThat(reaction.getMessageId()).isEqualTo(sent.getId());

        sent.delete().complete();
        next(MessageDeleteEvent.class, e -> e.getMessageId().equals(sent.getId()));
        assertThat(discord.messagesIn(general.id())).extracting(FakeMessage::id).doesNotContain(sent.getId());
        assertThat(discord.unknownRoutes()).isEmpty();
        discord.assertNoSpecViolations();
    }

    @Test
    void webhookSendsCarryTheUsernameAndAvatarOverride() throws InterruptedException {
        FakeChannel general = discord.channel("general");
        FakeWebhook hook = general().createWebhook("Comptoir bridge").complete().getToken() == null ? null
                : discord.webhooks(general.id()).get(0);
        assertThat(hook).isNotNull();

        Message sent = WebhookClient.createClient(jda, hook.id(), hook.token())
                .sendMessage("coucou depuis Matrix")
                .setUsername("Bob (Matrix)")
                .setAvatarUrl("https://matrix.example.org/_matrix/media/v3/download/x/y")
                .complete();

        FakeMessage stored = discord.webhookMessages(general.id()).get(0);
        assertThat(stored.id()).isEqualTo(sent.getId());
        assertThat(stored.authorName()).isEqualTo("Bob (Matrix)");
        assertThat(stored.avatarUrl()).isEqualTo("https://matrix.example.org/_matrix/media/v3/download/x/y");
        assertThat(stored.webhookId()).isEqualTo(hook.id());
        assertThat(sent.getAuthor().getName()).isEqualTo("Bob (Matrix)");
        RecordedCall execute = discord.awaitRequest(c -> c.is("POST", "/webhooks/\\d+/.+"), WAIT);
        assertThat(execute.queryParameter("wait")).isEqualTo("true");
        assertThat(execute.json().path("username").asText()).isEqualTo("Bob (Matrix)");

        MessageReceivedEvent echo = next(MessageReceivedEvent.class, e -> e.getMessageId().equals(sent.getId()));
        assertThat(echo.isWebhookMessage()).isTrue();

        WebhookClient.createClient(jda, hook.id(), hook.token()).editMessageById(sent.getId(), "corrigé").complete();
        assertThat(discord.findMessage(sent.getId()).orElseThrow().content()).isEqualTo("corrigé");
        WebhookClient.createClient(jda, hook.id(), hook.token()).deleteMessageById(sent.getId()).complete();
        assertThat(discord.findMessage(sent.getId()).orElseThrow().deleted()).isTrue();
        discord.assertNoSpecViolations();
    }

    @Test
    void resumesAfterADroppedConnectionAndGetsWhatItMissed() throws InterruptedException {
        FakeChannel general = discord.channel("general");
        FakeUser bob = discord.user("bob");

        discord.disconnect();
        discord.userSays(general.id(), bob.id(), "pendant la coupure");
        next(SessionResumeEvent.class, e -> true);
        MessageReceivedEvent missed = next(MessageReceivedEvent.class, e -> e.getAuthor().getId().equals(bob.id()));
        assertThat(missed.getMessage().getContentRaw()).isEqualTo("pendant la coupure");

        assertThat(discord.gatewayFrames()).filteredOn(f -> !f.toClient() && f.op() == 2).hasSize(1);
        GatewayFrame resume = discord.awaitGatewayFrame(f -> !f.toClient() && f.op() == 6, WAIT);
        assertThat(resume.connection()).endsWith("/gateway-resume");
        discord.awaitGatewayFrame(f -> f.toClient() && "RESUMED".equals(f.type()), WAIT);

        // op 7: JDA reconnects and resumes again
        events.clear();
        discord.sendReconnect();
        next(SessionResumeEvent.class, e -> true);
        discord.userSays(general.id(), bob.id(), "après op 7");
        next(MessageReceivedEvent.class, e -> e.getMessage().getContentRaw().equals("après op 7"));
        assertThat(discord.gatewayFrames()).filteredOn(f -> !f.toClient() && f.op() == 6).hasSize(2);
        assertThat(discord.gatewayFrames()).filteredOn(f -> !f.toClient() && f.op() == 2).hasSize(1);
    }

    @Test
    void retriesAfterA429() {
        discord.rateLimitNext(1, 0.2);
        long start = System.nanoTime();
        Message sent = general().sendMessage("malgré la limite").complete();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(sent.getContentRaw()).isEqualTo("malgré la limite");
        assertThat(discord.requests("POST", "/channels/\\d+/messages")).extracting(RecordedCall::status)
                .containsExactly(429, 200);
        // Retry-After is whole seconds (JDA reads the header): 0.2 s rounds up to 1 s
        assertThat(elapsedMs).isGreaterThanOrEqualTo(900);
    }
}
