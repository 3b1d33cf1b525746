package coop.comptoir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** The homeserver's client sets TLS up only when needed; plugins always get it. */
class HomeserverHttpTest {

    @Test
    void aPlainHttpHomeserverGetsAClientWithoutTls() {
        OkHttpClient client = ComptoirRuntime.homeserverClient(HttpUrl.get("http://127.0.0.1:8008"), new OkHttpClient.Builder());

        assertThat(client.connectionSpecs()).containsExactly(ConnectionSpec.CLEARTEXT);
        assertThat(client.x509TrustManager()).isNull();
        assertThatThrownBy(client::sslSocketFactory).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anHttpsHomeserverKeepsTls() {
        OkHttpClient client = ComptoirRuntime.homeserverClient(HttpUrl.get("https://matrix.example.org"), new OkHttpClient.Builder());

        assertThat(client.connectionSpecs()).anyMatch(ConnectionSpec::isTls);
        assertThat(client.x509TrustManager()).isNotNull();
    }

    @Test
    void pluginsGetTlsOnTheSamePoolAndDispatcherBuiltOnce() {
        OkHttpClient homeserver = ComptoirRuntime.homeserverClient(HttpUrl.get("http://127.0.0.1:8008"), new OkHttpClient.Builder());
        PluginHttp plugins = new PluginHttp(homeserver);

        OkHttpClient client = plugins.get();
        assertThat(client.connectionSpecs()).contains(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT);
        assertThat(client.sslSocketFactory()).isNotNull();
        assertThat(client.connectionPool()).isSameAs(homeserver.connectionPool());
        assertThat(client.dispatcher()).isSameAs(homeserver.dispatcher());
        assertThat(plugins.get()).isSameAs(client);

        OkHttpClient tls = ComptoirRuntime.homeserverClient(HttpUrl.get("https://matrix.example.org"), new OkHttpClient.Builder());
        assertThat(new PluginHttp(tls).get()).isSameAs(tls);
    }
}
