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
            -- options = "--port-timeout 180";  more dfota options
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
upgrades from it. A dfota-url script runs `dfota upgrade URL`, before the images.
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

-- A word for a shell command line, quoted.
function dfota.quote(word)
    return "'" .. tostring(word):gsub("'", "'\\''") .. "'"
end

-- The dfota command for these image properties: "dfota <command> --json --port ...".
function dfota.command(props, command, args)
    local words = { "dfota", command, "--json" }
    if props.port then
        words[#words + 1] = "--port " .. dfota.quote(props.port)
    end
    if props.usb then
        words[#words + 1] = "--usb " .. dfota.quote(props.usb)
    end
    for _, a in ipairs(args) do
        words[#words + 1] = dfota.quote(a)
    end
    -- options is a list of words by design ("--port-timeout 180 --baud 921600").
    if props.options then
        words[#words + 1] = props.options
    end
    return table.concat(words, " ")
end

-- Runs dfota; on_event(line, event) for each JSON line. Returns the done line and
-- whether dfota exited 0.
function dfota.run(cmd, on_event)
    swupdate.debug("dfota handler: " .. cmd)
    local pipe = io.popen(cmd .. " </dev/null", "r")
    local done
    for line in pipe:lines() do
        swupdate.trace("dfota: " .. line)
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

-- The message of a failed run: the module's result, code and message.
function dfota.failure(what, done)
    return string.format("dfota %s failed: %s (code %s): %s", what,
        dfota.json_field(done, "result") or "no result",
        dfota.json_field(done, "code") or "null",
        dfota.json_field(done, "message") or "dfota ended without a done event")
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
    local done, ok = dfota.run(dfota.command(props, "info", {}), function(line, event)
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
    local args = { "--expect-version", props.to }
    if temp then
        for _, a in ipairs({ "--upload", temp, "--as", name }) do
            args[#args + 1] = a
        end
    else
        args[#args + 1] = props.url
    end
    swupdate.info("dfota: upgrading " .. firmware .. " -> " .. props.to)
    local done, ok = dfota.run(dfota.command(props, "upgrade", args), dfota.on_upgrade_event)
    if not ok then
        swupdate.error(dfota.failure("upgrade", done))
        return 1
    end
    swupdate.info("dfota: " .. (dfota.json_field(done, "message") or "upgraded"))
    return 0
end

swupdate.register_handler("dfota", dfota.handler, swupdate.HANDLER_MASK.IMAGE_HANDLER)
swupdate.register_handler("dfota-url", dfota.url_handler,
    swupdate.HANDLER_MASK.SCRIPT_HANDLER | swupdate.HANDLER_MASK.NO_DATA_HANDLER)
