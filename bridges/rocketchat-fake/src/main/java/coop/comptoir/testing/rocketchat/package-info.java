/**
 * A fake Rocket.Chat for tests ({@link coop.comptoir.testing.rocketchat.FakeRocketChat}).
 *
 * <p>The REST side follows, and is checked against, Rocket.Chat's official OpenAPI description
 * (RocketChat/Rocket.Chat-Open-API, in {@code shared/spec/rocketchat}). {@code GET /api/info} and
 * {@code GET /file-upload/…} are not in that subset: they are listed by
 * {@code undescribedRoutes()} instead of being checked.
 *
 * <p>The realtime API is not described there. The fake follows Rocket.Chat's public developer
 * documentation, "Realtime API" (developer.rocket.chat/apidocs/realtimeapi: the WebSocket at
 * {@code /websocket}, {@code connect} with {@code version "1"} answered by {@code connected},
 * {@code ping}/{@code pong} both ways), "Login (Realtime)" (developer.rocket.chat/apidocs/login-realtime:
 * the {@code login} method with {@code {"resume": token}}, its {@code result} with {@code id},
 * {@code token}, {@code tokenExpires}, {@code type}, and the 403 error), "Stream Room Messages"
 * (developer.rocket.chat/apidocs/stream-room-messages-realtime: {@code sub} to
 * {@code stream-room-messages} with {@code [roomId, false]}, answered {@code ready}) and "Room
 * Stream" (developer.rocket.chat/apidocs/room-stream-realtime: {@code stream-notify-room} with
 * {@code "<roomId>/deleteMessage"}), plus Meteor's DDP specification for the {@code changed}
 * frames ({@code collection}, {@code fields.eventName}, {@code fields.args}), {@code nosub} and
 * {@code {"$date": millis}} dates. DDP methods other than {@code login} answer "not found":
 * sending goes through REST, as Rocket.Chat advises since 8.0.
 */
package coop.comptoir.testing.rocketchat;
