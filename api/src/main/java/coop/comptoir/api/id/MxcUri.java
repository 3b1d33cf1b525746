package coop.comptoir.api.id;

/** A content URI, {@code mxc://server/mediaId}. */
public record MxcUri(String serverName, String mediaId) {
    public MxcUri {
        if (serverName == null || serverName.isEmpty()) {
            throw new IllegalArgumentException("mxc URI has no server name");
        }
        Ids.checkServerName("mxc URI", serverName, serverName);
        if (mediaId == null || mediaId.isEmpty() || !mediaId.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            throw new IllegalArgumentException("mxc URI has an invalid media ID: " + mediaId);
        }
    }

    public static MxcUri parse(String uri) {
        if (uri == null || !uri.startsWith("mxc://")) {
            throw new IllegalArgumentException("not an mxc:// URI: " + uri);
        }
        String rest = uri.substring("mxc://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("mxc URI must be mxc://server/mediaId: " + uri);
        }
        return new MxcUri(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public String toString() {
        return "mxc://" + serverName + "/" + mediaId;
    }
}
