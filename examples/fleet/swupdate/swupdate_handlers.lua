--[[
SWUpdate handlers for the firmware of a Quectel LTE module, by DFOTA: the image type
"dfota" (the package carried in the .swu) and the script type "dfota-url" (no payload:
the module downloads the package itself).

SWUpdate loads this file (swupdate_handlers.lua, from its Lua's search path, e.g.
/usr/share/lua/5.3/) at start. An image of type "dfota" in sw-description:

    images: ( {
        filename = "em060k-a07-a09.zip";     -- the package, carried in the .swu
        type = "dfota";
        sha256 = "...";
        properties: {
            from = "EM060KGLAAR01A07M4G";    -- the firmware the package applies to
            to = "EM060KGLAAR01A09M4G";      -- the firmware it produces
            port = "/dev/ttyUSB2";           -- the module's AT port (or usb = "2c7c:030b")
            -- options = "--port-timeout 180";  more dfota options (an allow-list)
        };
    } );

A package the module downloads is a script entry without a payload (SWUpdate wants a
file for every image, not for scripts), with the property url:

    scripts: ( {
        type = "dfota-url";
        properties: { from = "..."; to = "..."; port = "..."; url = "http://..."; };
    } );

With a payload the handler copies it to a temporary file and runs
`dfota upgrade --upload FILE --as NAME`: the host uploads it into the module, which then
upgrades from it. A dfota-url script runs `dfota upgrade --target-file FILE` with the URL in FILE, in a
private folder (a password in the URL never stands in a command line, which every local
user can read), before the images. Every word of a dfota command is quoted; the property
options is split into words, and each must be one of the options that tune how dfota
works (timeouts, --baud, --family, --modemmanager, ...): anything else fails the install
with nothing sent. Nothing the handler logs holds a password.
Before sending anything the handler reads the module's firmware with dfota info: already
on `to` is success with nothing sent, on neither `from` nor `to` is a failure with
nothing sent. Then the upgrade runs with --expect-version `to`. Progress goes to
swupdate.progress_update(); a failure fails the install with the module's message.
Everything is decided on dfota's --json events and exit status, never on its human text.
]]

local swupdate = require("swupdate")

local dfota = {}

-- The value of a string or number field of one flat JSON object (dfota's --json lines),
-- or nil. Only the escapes dfota writes in strings are undone (\" \\ \/ \n \t).
function dfota.json_field(line, key)
    local at = line:find('"' .. key .. '":', 1, true)
    if not at then
        return nil
    end
    local i = at + #key + 3
    if line:sub(i, i) ~= '"' then
        return line:match("^(-?[%w.]+)", i)
    end
    local out, j = {}, i + 1
    while j <= #line do
        local c = line:sub(j, j)
        if c == '"' then
            return table.concat(out)
        elseif c == "\\" then
            local e = line:sub(j + 1, j + 1)
            out[#out + 1] = ({ n = "\n", t = "\t" })[e] or e
            j = j + 2
        else
            out[#out + 1] = c
            j = j + 1
        end
    end
    return nil
end

-- A word for a shell command line, quoted: io.popen takes one string, so every word of
-- it is quoted and nothing of a property reaches the shell as syntax.
function dfota.quote(word)
    return "'" .. tostring(word):gsub("'", "'\\''") .. "'"
end

-- What dfota prints is redacted by dfota; what the handler prints of its own goes
-- through this too: the password of any "scheme://user:password@" hidden.
function dfota.redact(text)
    return (tostring(text):gsub("(://[^/@%s]*:)[^@%s]*@", "%1***@"))
end

-- The options a sw-description may give (the property options), and whether each takes
-- a value. They tune how dfota works, never what it does: no --upload, --as,
-- --target-file, --expect-version, --port or --usb (the handler sets those), --json.
dfota.allowed_options = {
    ["-b"] = true, ["--baud"] = true, ["--first-urc-timeout"] = true,
    ["--port-timeout"] = true, ["--command-timeout"] = true, ["--stall-timeout"] = true,
    ["--upload-timeout"] = true, ["--urcport"] = true, ["--modemmanager"] = true,
    ["--family"] = true, ["--fota-cid"] = true, ["--fota-pid"] = true,
    ["--asr-mode"] = true, ["--asr-timeout"] = true, ["--ufs-prefix"] = true,
    ["--upload-no-ack"] = false, ["--no-preflight"] = false, ["--set-urcport"] = false,
    ["-v"] = false, ["--verbose"] = false,
}

-- The property options ("--port-timeout 180 --baud=921600") as words, each option on the
-- allow-list and each value a word of its own; or nil and the rule broken.
function dfota.option_words(text)
    local list, words, k = {}, {}, 1
    for w in tostring(text):gmatch("%S+") do
        list[#list + 1] = w
    end
    while k <= #list do
        local w = list[k]
        local name, value = w:match("^(%-%-[%w-]+)=(.*)$")
        name = name or w
        local takes = dfota.allowed_options[name]
        if takes == nil then
            return nil, "options: '" .. w .. "' is not an option a sw-description may give " ..
                "(timeouts, --baud, --family, --modemmanager, --no-preflight, --urcport, ...)"
        end
        if value and not takes then
            return nil, "options: " .. name .. " takes no value"
        end
        words[#words + 1] = w
        if takes and not value then
            k = k + 1
            value = list[k]
            if not value then
                return nil, "options: " .. name .. " needs a value"
            end
            words[#words + 1] = value
        end
        if takes and value:sub(1, 1) == "-" then
            return nil, "options: the value of " .. name .. " may not begin with '-'"
        end
        k = k + 1
    end
    return words
end

-- The dfota command for these image properties, as words: dfota <command> --json --port
-- ..., the property options (checked), then args. Returns nil and why for bad options.
function dfota.command(props, command, args)
    local words = { "dfota", command, "--json" }
    if props.port then
        words[#words + 1] = "--port"
        words[#words + 1] = props.port
    end
    if props.usb then
        words[#words + 1] = "--usb"
        words[#words + 1] = props.usb
    end
    local options, why = dfota.option_words(props.options or "")
    if not options then
        return nil, why
    end
    for _, list in ipairs({ options, args }) do
        for _, a in ipairs(list) do
            words[#words + 1] = a
        end
    end
    return words
end

-- Runs the words of dfota.command(); on_event(line, event) for each JSON line. Returns
-- the done line and whether dfota exited 0.
function dfota.run(words, on_event)
    local quoted = {}
    for i, w in ipairs(words) do
        quoted[i] = dfota.quote(w)
    end
    local cmd = table.concat(quoted, " ")
    swupdate.debug("dfota handler: " .. dfota.redact(cmd))
    local pipe = io.popen(cmd .. " </dev/null", "r")
    local done
    for line in pipe:lines() do
        swupdate.trace("dfota: " .. dfota.redact(line))
        local event = dfota.json_field(line, "event")
        if event == "done" then
            done = line
        elseif event and on_event then
            on_event(line, event)
        end
    end
    local ok = pipe:close()
    return done or "", ok == true
end

-- The target in a file only this process can read (a private folder of mode 0700),
-- given to dfota as --target-file: a URL with a password never stands in a command line,
-- where every local user would see it for the whole upgrade. fn(path); the file goes
-- after. Returns what fn returned, or nil and why.
function dfota.with_target_file(target, fn)
    local dir = swupdate.tmpdir()
    if dir:sub(-1) ~= "/" then
        dir = dir .. "/"
    end
    local made = io.popen("mktemp -d " .. dfota.quote(dir .. "dfota-target.XXXXXX"), "r")
    dir = made:read("l")
    made:close()
    if not dir or dir == "" then
        return nil, "cannot make a private folder for the target (mktemp -d)"
    end
    local path = dir .. "/target"
    local f = io.open(path, "w")
    if not f then
        os.remove(dir)
        return nil, "cannot write the target into " .. dir
    end
    f:write(target, "\n")
    f:close()
    local a, b = fn(path)
    os.remove(path)
    os.remove(dir)
    return a, b
end

-- The message of a failed run: the module's result, code and message.
function dfota.failure(what, done)
    return dfota.redact(string.format("dfota %s failed: %s (code %s): %s", what,
        dfota.json_field(done, "result") or "no result",
        dfota.json_field(done, "code") or "null",
        dfota.json_field(done, "message") or "dfota ended without a done event"))
end

-- Progress: the upload or the download take the first 40 %, the update the rest.
function dfota.on_upgrade_event(line, event)
    local percent = tonumber(dfota.json_field(line, "percent") or "")
    if not percent then
        return
    end
    if event == "upload_progress" or event == "download_progress" then
        swupdate.progress_update(math.floor(percent * 40 / 100))
    elseif event == "progress" then
        swupdate.progress_update(40 + math.floor(percent * 60 / 100))
    end
end

-- The module's firmware, or nil and the failure.
function dfota.firmware(props)
    local version
    local words, why = dfota.command(props, "info", {})
    if not words then
        return nil, "dfota: " .. why
    end
    local done, ok = dfota.run(words, function(line, event)
        if event == "version" then
            version = dfota.json_field(line, "firmware")
        end
    end)
    if not ok or not version then
        return nil, dfota.failure("info", done)
    end
    return version
end

local function contains(text, part)
    return text:find(part, 1, true) ~= nil
end

-- The properties' rule broken, or nil.
function dfota.props_error(props)
    if not props.from or not props.to then
        return "properties 'from' and 'to' are both needed"
    end
    if not props.port and not props.usb then
        return "property 'port' (or 'usb') names no module"
    end
    return nil
end

function dfota.checked_install(props, name, temp)
    local why = dfota.props_error(props)
    if why then
        swupdate.error("dfota: " .. why)
        return 1
    end
    return dfota.install(props, name, temp)
end

-- An image of type "dfota": the package is its payload.
function dfota.handler(image)
    local props = image.properties or {}
    if props.url then
        swupdate.error("dfota image: the property url is for a dfota-url script, " ..
            "not an image with a payload")
        return 1
    end
    -- The payload is consumed from the stream first, whatever happens next.
    local dir = swupdate.tmpdir()
    if dir:sub(-1) ~= "/" then
        dir = dir .. "/"
    end
    local temp = dir .. "dfota-" .. image.filename
    local err, msg = image:copy2file(temp)
    if err ~= 0 then
        swupdate.error("dfota image: cannot copy the package to " .. temp .. ": " .. tostring(msg))
        os.remove(temp)
        return 1
    end
    local status = dfota.checked_install(props, image.filename, temp)
    os.remove(temp)
    return status
end

-- A "dfota-url" entry of scripts: no payload, the module downloads the property url.
-- SWUpdate calls script handlers twice, with "preinst" before the images and "postinst"
-- after them: the upgrade runs once, before the images.
function dfota.url_handler(image, phase)
    if phase ~= "preinst" then
        return 0
    end
    local props = image.properties or {}
    if not props.url then
        swupdate.error("dfota-url script: the property url " ..
            "(where the module downloads the package) is missing")
        return 1
    end
    return dfota.checked_install(props)
end

function dfota.install(props, name, temp)
    local firmware, why = dfota.firmware(props)
    if not firmware then
        swupdate.error(why)
        return 1
    end
    if contains(firmware, props.to) then
        swupdate.info("dfota: the module already runs " .. props.to .. " (" .. firmware ..
            "): nothing to do")
        swupdate.progress_update(100)
        return 0
    end
    if not contains(firmware, props.from) then
        swupdate.error("dfota: the module runs " .. firmware .. ", neither " .. props.from ..
            " (from) nor " .. props.to .. " (to): the package does not apply; nothing sent")
        return 1
    end
    swupdate.info("dfota: upgrading " .. firmware .. " -> " .. props.to)
    local done, ok
    if temp then
        done, ok = dfota.upgrade(props, { "--upload", temp, "--as", name })
    else
        done, ok = dfota.with_target_file(props.url, function(path)
            return dfota.upgrade(props, { "--target-file", path })
        end)
    end
    if not done then
        swupdate.error("dfota: " .. ok)
        return 1
    end
    if not ok then
        swupdate.error(dfota.failure("upgrade", done))
        return 1
    end
    swupdate.info("dfota: " .. (dfota.json_field(done, "message") or "upgraded"))
    return 0
end

-- dfota upgrade with the target's arguments; the done line and whether it succeeded.
function dfota.upgrade(props, target_args)
    local args = { "--expect-version", props.to }
    for _, a in ipairs(target_args) do
        args[#args + 1] = a
    end
    local words, why = dfota.command(props, "upgrade", args)
    if not words then
        return nil, why
    end
    return dfota.run(words, dfota.on_upgrade_event)
end

swupdate.register_handler("dfota", dfota.handler, swupdate.HANDLER_MASK.IMAGE_HANDLER)
swupdate.register_handler("dfota-url", dfota.url_handler,
    swupdate.HANDLER_MASK.SCRIPT_HANDLER | swupdate.HANDLER_MASK.NO_DATA_HANDLER)
