package coop.comptoir.e2e.plugdir;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;

/**
 * A plugin for the end-to-end suite that reaches Comptoir only as a jar of its plugins folder:
 * deliberately not listed in this module's {@code META-INF/services}, so it is never found on a
 * class path. {@code !dossier} answers with the version its jar's manifest declares.
 */
public final class FolderGreetingPlugin implements Plugin {
    FolderGreetingPlugin(PluginContext ctx) {
        String version = FolderGreetingPlugin.class.getPackage().getImplementationVersion();
        ctx.commands().register(Command.of("dossier", "salue depuis le dossier plugins", "greets from the plugins folder",
                invocation -> invocation.reply("bonjour depuis le dossier plugins, version " + version)));
    }

    /** Listed only in the services file of the jar the test builds. */
    public static final class Factory implements PluginFactory<Factory.Settings> {
        /** No keys: an instance section holds only type and id. */
        public record Settings() {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "folder-greeting";
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new FolderGreetingPlugin(context);
        }
    }
}
