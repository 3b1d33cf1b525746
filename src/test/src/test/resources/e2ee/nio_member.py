"""A member with an encrypting client (matrix-nio, on vodozemac), driven by the end-to-end tests.

    python nio_member.py HOMESERVER USER_ID ACCESS_TOKEN STORE_DIR ROOM_ID BOT TEXT EXPECT SECONDS

Logs the device in from its access token (its keys are uploaded on the first run, and kept in
STORE_DIR), waits until BOT is joined to ROOM_ID, sends TEXT there (encrypted: the room's key is
shared with every member's device, the bot's included), then waits for a message of BOT whose body
contains EXPECT. With an empty TEXT, sends nothing and only waits (a reminder the bot posts on its
own); only messages after the store's last sync count then. Prints one JSON line: {"body", "decrypted", "bot_devices"} or {"error"}; exit
status 0 only when the answer came.
"""
import asyncio
import json
import sys
import time

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageNotice, RoomMessageText


async def main(hs, user_id, token, store, room_id, bot, text, expect, seconds):
    probe = AsyncClient(hs, user_id)
    probe.access_token = token
    device_id = (await probe.whoami()).device_id
    await probe.close()
    client = AsyncClient(hs, user_id, device_id=device_id, store_path=store,
                         config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
    client.restore_login(user_id, device_id, token)
    try:
        if client.should_upload_keys:
            await client.keys_upload()
        deadline = time.monotonic() + seconds
        first = await client.sync(timeout=0, full_state=True)
        found = None if text else answer_in(first, room_id, bot, expect, [])
        while not (room_id in client.rooms and bot in client.rooms[room_id].users):
            if time.monotonic() > deadline:
                return {"error": "the bot did not join"}
            response = await client.sync(timeout=1000)
            if not text and found is None:
                found = answer_in(response, room_id, bot, expect, [])
        await client.joined_members(room_id)
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        bot_devices = sorted(d.id for d in client.device_store.active_user_devices(bot))
        sent_id = None
        if text:
            sent = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                          ignore_unverified_devices=True)
            sent_id = getattr(sent, "event_id", None)
            if sent_id is None:
                return {"error": "sending failed: %s" % sent}
        undecryptable = []
        while found is None and time.monotonic() < deadline:
            found = answer_in(await client.sync(timeout=1000), room_id, bot, expect, undecryptable)
        if found is not None:
            return {"body": found.body, "decrypted": bool(getattr(found, "decrypted", False)),
                    "bot_devices": bot_devices, "sent": sent_id}
        return {"error": "no answer containing %r" % expect, "undecryptable": undecryptable, "bot_devices": bot_devices}
    finally:
        await client.close()


def answer_in(response, room_id, bot, expect, undecryptable):
    """The first message of BOT in ROOM_ID containing EXPECT in this sync response, or None."""
    rooms = getattr(response, "rooms", None)
    joined = rooms.join.get(room_id) if rooms else None
    for event in (joined.timeline.events if joined else []):
        if event.sender != bot:
            continue
        if isinstance(event, MegolmEvent):
            undecryptable.append(event.event_id)
        elif isinstance(event, (RoomMessageText, RoomMessageNotice)) and expect in event.body:
            return event
    return None


if __name__ == "__main__":
    args = sys.argv[1:]
    result = asyncio.run(main(*args[:8], float(args[8])))
    print(json.dumps(result))
    sys.exit(1 if "error" in result else 0)
