# iccc-desk — English. Every key here must also be in hi.ftl (a unit test checks).

## Owner categories
owner-government-office = Government office
owner-hotel = Hotel
owner-coaching-school = Coaching institute / school
owner-hospital-clinic = Hospital / clinic
owner-industrial-unit = Industrial unit
owner-commercial = Commercial establishment
owner-public-place = Public place
owner-toll-plaza = Toll plaza
owner-jail = Jail
owner-police = Police

## Priorities
priority-none = None
priority-black-spot = Black spot
priority-toll-plaza = Toll plaza
priority-jail = Jail
priority-public-place = Public place

## Coverage gaps: why a priority place has no working camera
coverage-gap-no-camera-near = No camera near
coverage-gap-near-but-not-integrated = Cameras near, not integrated
coverage-gap-integrated-but-offline = Integrated camera offline
coverage-gap-pointed-away = Integrated cameras point away

## Areas watched
area-entrance = Entrance
area-lobby = Lobby
area-parking = Parking
area-gate = Gate
area-road-frontage = Road frontage
area-corridor = Corridor
area-room = Room (private)
area-ward = Hospital ward (private)
area-classroom = Classroom (private)
area-cabin = Cabin (private)
area-not-yet-known = Not yet known (set before integrating)

## Integration stages
stage-surveyed = Surveyed
stage-owner-contacted = Owner contacted
stage-consent-given = Consent given
stage-configured = Configured
stage-integrated = Integrated
stage-blocked = Blocked
stage-rejected = Rejected

## Block reasons
reason-owner-not-reachable = Owner not reachable
reason-consent-refused = Consent refused
reason-no-uplink = No uplink / static IP
reason-nvr-not-compatible = NVR not compatible
reason-bandwidth = Bandwidth
reason-password-unknown = Password unknown
reason-other = Other

## Fields
field-name-en = Name (English)
field-name-hi = Name (Hindi)
field-contact-person = Owner / contact person
field-phone = Phone
field-address = Address
field-ward = Ward
field-police-station = Police station
field-latitude = Latitude
field-longitude = Longitude
field-priority-radius = Priority radius (m)
field-notes = Notes
field-label = Camera label
field-area-watched = Area watched
field-bearing = Bearing (°)
field-fov = Field of view (°)
field-range = Range (m)
field-nvr-host = NVR/DVR address
field-nvr-channel = NVR channel
field-make = Make
field-model = Model
field-stream-url = Stream URL (rtsp://)
field-snapshot-url = Snapshot URL (http://)
field-username = Username
field-password = Password
field-stage = Stage
field-follow-up-note = Follow-up note
field-recorder-retention = Recorder keeps footage (days)

## Field problems
err-required = This field is required.
err-too-long = Too long: at most { $max } characters.
err-not-a-number = "{ $text }" is not a number.
err-out-of-range = Must be between { $min } and { $max }.
err-outside-area = This point is outside { $country }; check the latitude and longitude.
err-looks-swapped = Latitude and longitude look swapped: swapped, the point lies in India.
err-zero-zero = (0, 0) is not a real location; enter the camera's coordinates.
err-bad-phone = Not an Indian phone number (10 digits, optionally with +91 or 0, or an STD code and number).
err-bad-url = Not a valid address: { $detail }.
err-wrong-scheme = Must start with { $expected }, not { $found }://.
err-rtsps-not-supported = rtsps:// (RTSP over TLS) is not supported: the prober speaks plain RTSP. Enter the camera's rtsp:// address.
err-credentials-in-url = Do not put a username or password in the URL; use the Username and Password fields.
err-duplicate-stream-url = This stream URL is already used by { $camera }.
err-duplicate-nvr-channel = This NVR and channel are already used by { $camera }.
err-private-area-in-use = A private area cannot be watched by a camera at stage "{ $stage }"; reject it first.
err-area-not-yet-known-in-use = A camera at stage "{ $stage }" must have its area watched known; choose what it watches.

## Stage change problems
stage-err-already-there = The camera is already at this stage.
stage-err-private-area = This camera watches a private area: it can only be rejected, never integrated.
stage-err-reject-common = Only cameras that watch a private area are rejected; block this one with a reason instead.
stage-err-not-allowed = This stage cannot be reached from the current one.
stage-err-reason-needed = Choose a reason to block the camera.
stage-err-note-needed = Write in the note what the other reason is.
stage-err-stream-needed = Enter the stream URL (or NVR and channel) before configuring or integrating.
stage-err-area-not-known = What this camera watches is not yet known: set the area in the camera form first. Until then it can only be taken up with the owner, never configured, integrated or rejected.

## Desk shell
app-subtitle = ICCC camera registry
window-title = iccc-desk — ICCC camera registry — { $file }
window-title-demo = iccc-desk — ICCC camera registry — { $file } (DEMO DATA)
nav-registry = Sites and cameras
nav-audit = Audit log
nav-language = Language
demo-badge = DEMO DATA
demo-form-note = This is the demo registry: invented data for practice.
status-counts = { $sites } sites · { $cameras } cameras · { $integrated } integrated
status-passwords-lost = { $count ->
        [one] One camera password must be re-entered
       *[other] { $count } camera passwords must be re-entered
    }: this registry's password key was not found on this machine.
status-registry-path = Registry file in use
status-load-ms = opened in { $ms } ms
status-saved = Saved.
status-software-rendering = Software rendering ({ $renderer }): no graphics card is used; the desk keeps its frames few, so scrolling may be slower.
status-simulating = Demo cameras answered on loopback by the simulator: { $cameras }{ $processes ->
    [one] {""}
   *[other] , in { $processes } processes
}
status-simulating-partly = Demo cameras answered on loopback by the simulator: { $cameras }; { $left } are not simulated (open-file limit) and are shown as "Not simulated", not offline.
status-simulator-failed = The demo cameras are not simulated: { $error }
settings-save-failed = The desk's settings could not be saved: { $reason }
status-failed-because = That did not work: { $reason }
status-details = Details: { $details }
status-history = Messages
status-history-title = Message history (newest first, last 50)
status-history-empty = No messages yet.
status-level-error = Error
status-level-info = Info
error-io-connection-refused = the other side refused the connection (is it switched on and listening?)
error-io-timed-out = no answer in time
error-io-not-found = the file, folder or address was not found
error-io-permission-denied = this user is not allowed to do that
error-io-already-exists = something of that name is already there (a file where a folder should be?)
error-io-not-a-folder = part of the path is a file, not a folder
error-io-is-a-folder = that is a folder, not a file
error-io-disk-full = the disk is full
error-io-read-only = the disk or folder is read-only
error-io-connection-lost = the connection was cut
error-io-unreachable = the network or address cannot be reached
error-io-address-in-use = the address is already in use by another program
error-io-invalid-data = what came back could not be read
error-io-other = something went wrong (see the details)
registry-opening = Opening the registry…
registry-open-failed = The registry could not be opened
task-demo = Writing the demo registry…
quit-unsaved-title = Unsaved changes
quit-unsaved-body = A form has changes that are not saved. Close the desk and lose them?
quit-keep-editing = Keep editing
quit-discard-and-close = Discard and close

## Keyboard shortcuts (F1 lists them all)
nav-shortcuts = Keyboard shortcuts (F1)
shortcuts-title = Keyboard shortcuts
shortcuts-close = Close (Esc)
shortcuts-anywhere = Anywhere on the desk
shortcuts-forms = In a form
shortcuts-table = Sites and cameras table
shortcuts-wall = Camera wall
shortcuts-map = Site map
shortcut-keys-f1 = F1
shortcut-f1 = Show this list of keyboard shortcuts
shortcut-keys-add-site = Ctrl+N
shortcut-add-site = Add a site
shortcut-keys-add-camera = Ctrl+Shift+N
shortcut-add-camera = Add a camera to the selected site
shortcut-keys-esc = Esc
shortcut-esc-list = Close this list
shortcut-keys-enter = Enter
shortcut-enter-form = Save the form; in an open dropdown, pick the highlighted entry
shortcut-esc-form = Cancel the form (it asks first when something was typed); in an open dropdown, close the dropdown
shortcut-keys-tab = Tab / Shift+Tab
shortcut-tab = Next / previous field
shortcut-keys-d = D
shortcut-d = Discard the changes, when the desk asks "Discard the changes you typed?"
shortcut-keys-up-down = Up / Down
shortcut-up-down = Previous / next row (the details follow)
shortcut-keys-page = PageUp / PageDown
shortcut-page = A page of rows up / down
shortcut-keys-home-end = Home / End
shortcut-home-end = First / last row
shortcut-keys-arrows = Arrow keys
shortcut-wall-arrows = Move between the tiles
shortcut-wall-enter = Fill the wall with the selected camera
shortcut-wall-esc = Back to all tiles
shortcut-map-esc = Stop picking a position or a facing on the map
shortcut-enter-note = Blocked screen: save the follow-up note being typed
shortcut-table-note = The table keys work when no text field has the keyboard (click a row first).
shortcut-no-site = No site is selected. Select a site in the table or on the map, then press Ctrl+Shift+N again.
shortcut-wait-saving = A form is being saved. Wait until it is saved, then press the shortcut again.
shortcut-finish-stage = The stage change has choices that are not saved. Save or cancel it first, then press the shortcut again.
shortcut-finish-pick = A position or facing is being picked on the map. Finish or cancel it first (Esc), then press the shortcut again.

## Empty registry
empty-title = This registry is empty
empty-body = Add the first site, or load the demo registry of Jhansi to practise.
empty-load-demo = Load demo registry ({ $cameras } cameras)
empty-load-demo-hint = Invented Jhansi sites and cameras, marked as demo data everywhere they show.

## Registry table
table-mode-cameras = Cameras
table-mode-sites = Sites
filter-search = Search
filter-search-hint = name in English or हिन्दी, owner, phone…
filter-category = Category
filter-any = Any
filter-clear = Clear filters
table-showing = Showing { $shown } of { $total }
table-sort-hint = Click to sort; click again to reverse.
table-filtering = Filtering…
table-no-match = Nothing matches these filters. Clear a filter or change the search text.
col-site = Site
col-camera = Camera
col-category = Owner category
col-stage = Stage
col-area = Area watched
col-ward = Ward
col-police-station = Police station
col-updated = Last change
col-health = Health
col-priority = Priority
col-cameras = Cameras
col-integrated = Integrated

## Details panel
details-none = Select a site or camera in the table to see its details.
details-cameras = Cameras ({ $count })
details-location = Location
details-updated = Last change
details-history = Stage history
details-history-loading = Loading…
details-blocked-because = Blocked: { $reason }
password-state-none = none stored
password-state-stored = stored (encrypted)
password-state-reenter = must be re-entered (key lost)
action-add-site = Add site
action-edit-site = Edit site
action-add-camera = Add camera
action-edit-camera = Edit camera
action-change-stage = Change stage

## Forms
site-form-add-title = New site
site-form-edit-title = Edit site
site-owner-category = Owner category
site-priority = Priority
site-choose-ward = Choose a ward
site-choose-police-station = Choose a police station
site-area-suggested = Suggested: { $name }
site-area-suggested-hint = The map puts the site's point here; click to use it.
site-area-disagrees = The map puts this point in { $map }, not { $typed }.
camera-form-add-title = New camera
camera-form-edit-title = Edit camera
camera-kind = Camera kind
camera-kind-ip = IP camera
camera-kind-analogue = Analogue (via NVR/DVR)
camera-private-area-warning = Private area: this camera will be recorded but can never be integrated.
camera-area-not-yet-known-warning = Not yet known: until you set what it watches, this camera can be taken up with its owner but never configured or integrated.
camera-password-keep-hint = stored — leave empty to keep it
camera-password-reenter-hint = key lost — type the password again
camera-password-none-hint = none stored
camera-password-clear = Remove the stored password
camera-password-new-host = The stored password is not sent to a new host ({ $to }): type it again.
form-save = Save
form-save-hint = Enter
form-cancel = Cancel
form-cancel-hint = Esc
form-saving = Saving…
form-fix-fields = Not saved: correct the fields marked in red.
form-conflict = Not saved: { $user } changed this record at { $time } after you opened it. Cancel and open it again to see their change; your text is still here to copy.
form-discard-question = Discard the changes you typed?
form-keep-editing = Keep editing
form-discard = Discard
form-discard-hint = Throw the typing away (key D). Esc or Enter keeps editing.
stage-form-title = Change stage
stage-form-current = Now: { $stage }
stage-form-move-to = Move to
stage-form-reason = Reason
stage-form-choose-reason = Choose a reason…
stage-form-note = Note
stage-form-choose = Choose the stage to move to.
stage-form-private-note = This camera watches a private area: it can only be rejected.

## Audit log
audit-title = Audit log
audit-body = Every change to the registry, who made it and when. Entries cannot be changed or deleted.
audit-refresh = Refresh
audit-col-when = When (IST)
audit-col-who = Who
audit-col-action = Action
audit-col-what = Record
audit-col-change = Change
audit-action-site-add = Site added
audit-action-site-edit = Site edited
audit-action-camera-add = Camera added
audit-action-camera-edit = Camera edited
audit-action-camera-stage = Stage changed
audit-action-camera-follow-up = Follow-up noted
audit-action-boundary-import = Boundaries imported
audit-action-registry-area = Registry area set
audit-action-registry-demo-flag = Demo registry marked
audit-action-import-profile = Import profile saved
audit-field-note = Note
audit-field-block-reason = Reason blocked
audit-field-owner-category = Owner category
audit-filter-who = Who
audit-filter-what = Action
audit-filter-any = Any
audit-filter-days = Last days (0 = all)
audit-shown = { $shown } of { $total } entries
audit-camera-at = Camera '{ $camera }' at { $site }
audit-site = Site '{ $site }'
audit-action-registry-demo = Demo registry loaded
audit-action-registry-import = Cameras imported from a file
audit-action-registry-passwords-rebound = Camera passwords re-sealed to their cameras
audit-field-kind = Kind
audit-field-is-demo = Demo registry
audit-field-city = City
audit-field-country = Country
audit-field-city-box = City limits
audit-field-country-box = Country limits
audit-field-file = File
audit-field-count = Areas
audit-field-sites-added = Sites added
audit-field-cameras-added = Cameras added
audit-field-cameras-updated = Cameras updated
audit-field-skipped = Rows skipped
audit-field-unchanged = Rows unchanged
audit-field-refused = Rows refused
audit-field-rejected-private = Rejected (private area)
audit-field-camera-ids = Camera numbers
audit-field-cameras = Cameras
audit-field-sites = Sites
audit-field-wards = Wards
audit-field-seed = Demo seed
audit-field-now-unix-s = Demo clock set to
audit-field-name = Name
audit-field-columns = Columns
audit-field-duplicates = Cameras already in the registry
audit-field-near-duplicates = Rows possibly listed twice
audit-field-default-category = Owner category when a row has none
audit-field-default-area = Area watched when a row has none
audit-field-recorder-retention-days = Days the recorder keeps footage
audit-yes = yes
audit-no = no
audit-duplicates-skip = skip them
audit-duplicates-update = update them from the file
audit-near-duplicates-keep = add them, with a note
audit-near-duplicates-skip = leave them out
audit-password-set = set
audit-password-cleared = cleared
audit-password-dropped-new-host = dropped (new host: to be typed again)
audit-box = latitude { $south } to { $north }, longitude { $west } to { $east }
audit-camera-id = Camera { $id }
audit-site-id = Site { $id }
audit-entity-registry = The whole registry
audit-filter-from = From
audit-filter-to = To
audit-filter-date-hint = YYYY-MM-DD
audit-filter-bad-date = Write the date as year-month-day, such as 2026-11-25.
audit-export-title = Audit log
export-list-audit = Audit log (entries shown)
export-done-audit = Wrote { $rows } audit entries to { $path } ({ $format }, { $size })

## CLI
cli-demo-progress = Writing the demo registry… { $percent }%
cli-demo-done = Demo registry written to { $path }: { $cameras } cameras at { $sites } sites, { $integrated } integrated ({ $week } in the last 7 days), seed { $seed }, in { $seconds } s.
cli-stats-title = Registry { $path }
cli-stats-demo = (demo registry)
cli-stats-as-of = Figures as of { $time } IST
cli-stats-totals = { $cameras ->
    [one] { $cameras } camera
   *[other] { $cameras } cameras
  } at { $sites ->
    [one] { $sites } site
   *[other] { $sites } sites
  }
cli-stats-integrated = Integrated: { $total }, of which { $week } in the last 7 days
cli-stats-by-stage = By stage
cli-stats-by-category = By owner category
cli-stats-by-reason = Blocked cameras by reason
cli-stats-col-share = Integrated %
cli-verify-intact = { $path }: the history is as the desk sealed it: { $checked } rows checked ({ $unsealed } newer rows are sealed by the desk's next write)
cli-verify-cannot-check = { $path }: the history's seal cannot be checked: it was sealed with key { $key }, which is not in { $keys } (the desk still opens the file)
cli-registry-created = Registry created on { $target } (schema version { $version }). Its password key is { $key }: copy that file, and only that, to the key folder of each desk that logs in to cameras.
cli-registry-copied = Copied { $file } to { $target } in { $seconds } s (rows in the file → rows on the server):
cli-registry-copied-table = {"  "}{ $table }: { $file_rows } → { $server_rows }
cli-error-server-not-yet = { $command }: a registry on a PostgreSQL server ({ $target }) is not supported by this command yet; nothing was done. Give a registry file with --db PATH.
pg-error-bad-address = { $address } is not a registry server address (postgres://USER@HOST:PORT/DATABASE): { $detail }
pg-error-password-in-address = { $address }: a password in the registry address is refused (it would be stored and shown); put it in ~/.pgpass or PGPASSWORD
pg-error-unreachable = registry server { $target } unreachable: { $detail }
pg-error-tls = registry server { $target }: TLS set-up failed: { $detail }
pg-error-not-empty = { $target } is not empty ({ $tables } tables): a registry is created only in an empty database; nothing was written
pg-error-server = registry server { $target }: { $detail }
cli-error-no-home = No home directory was found for the default registry file; name one with --db PATH.
cli-probe-line = camera { NUMBER($id, useGrouping: "false") } { $camera } at { $site }: { $state } ({ $detail })
cli-probe-summary = Probed { $probed } cameras in { $seconds } s ({ $rate } probes/min): { $counts }
cli-probe-nothing = No configured or integrated camera has a stream or snapshot address to probe.
cli-import-imported = Imported
cli-import-checked = Checked (dry run, nothing written)
cli-import-nothing = Nothing to write from
cli-import-summary = { $verb } { $file }: { NUMBER($rows, useGrouping: "false") } rows — { NUMBER($added, useGrouping: "false") } added ({ NUMBER($sites, useGrouping: "false") } new sites, { NUMBER($private, useGrouping: "false") } private-area cameras as rejected), { NUMBER($updated, useGrouping: "false") } updated, { NUMBER($unchanged, useGrouping: "false") } unchanged, { NUMBER($skipped, useGrouping: "false") } skipped as duplicates, { NUMBER($refused, useGrouping: "false") } refused, { NUMBER($possible, useGrouping: "false") } possibly listed twice ({ $seconds } s)
cli-import-file-note = {"  "}file: { $note }
cli-import-refusal = {"  "}row { NUMBER($row, useGrouping: "false") }: { $field }: { $reason }
cli-import-skip = {"  "}row { NUMBER($row, useGrouping: "false") }: { $reason }
cli-import-row-note = {"  "}row { NUMBER($row, useGrouping: "false") }: { $field } (note): { $reason }
cli-import-progress = importing… { $percent } %
cli-import-no-profile = no import profile named { $name } in { $path }
cli-import-map-form = --map { $map }: write HEADER=FIELD, e.g. x=longitude
cli-import-map-no-column = --map { $map }: the file has no column { $header } (its columns: { $columns })
cli-import-map-no-field = --map { $map }: { $code } is not a field
cli-import-bad-category = --category { $code } is not an owner category code
cli-import-bad-area = --area { $code } is not an area code
cli-probe-held = iccc-desk: the registry is busy (another program is writing to it); { NUMBER($results, useGrouping: "false") } results held, written on the next try
cli-probe-held-last = iccc-desk: the registry is busy (another program is writing to it); { NUMBER($results, useGrouping: "false") } results held
cli-sim-no-registry = { $path }: no such file (write a demo registry first: iccc-desk demo --db { $path })
cli-sim-not-loopback = Not simulated: { NUMBER($count, useGrouping: "false") } cameras whose address is not on 127.0.0.0/8 ({ $example })
cli-sim-over-file-limit = Not simulated: { NUMBER($count, useGrouping: "false") } cameras beyond the open-file limit; raise the hard limit to simulate them all
cli-sim-unbindable = { NUMBER($count, useGrouping: "false") } listening sockets on ports below 1024 (NVRs' port 554) need privileges and are left closed, so their cameras look offline; run as root or lower net.ipv4.ip_unprivileged_port_start to answer there
cli-sim-passwords-unreadable = { NUMBER($count, useGrouping: "false") } cameras' passwords cannot be read with the keys in { $dir }; those cameras keep passwords of their own, so logins to them fail
cli-sim-minute = { $time } IST: { NUMBER($requests, useGrouping: "false") } requests in the last minute ({ NUMBER($rtsp, useGrouping: "false") } RTSP, { NUMBER($snapshot, useGrouping: "false") } snapshot), { NUMBER($sdps, useGrouping: "false") } SDPs and { NUMBER($pictures, useGrouping: "false") } pictures sent, { NUMBER($refused, useGrouping: "false") } logins refused; { NUMBER($open, useGrouping: "false") } connections open
cli-sim-stopped = Stopped after { NUMBER($seconds, useGrouping: "false") } s: { NUMBER($requests, useGrouping: "false") } requests served over { NUMBER($connections, useGrouping: "false") } connections
cli-sim-started = Simulating { $cameras } cameras on { $addresses } loopback addresses; behaviours: { $mix } ({ $reroll }% re-drawn each minute; { $listeners } listening sockets on { $threads } threads{ $processes ->
    [one] {""}
   *[other] {" "}in { $processes } processes
}, ready in { $seconds } s)
sim-behaviour-healthy = healthy
sim-behaviour-offline = offline
sim-behaviour-wrong-password = wrong password
sim-behaviour-slow = slow
sim-behaviour-flaky = flaky
sim-behaviour-stream-error = stream error
cli-area = { $city }, { $country }: city box { $city_box } (S,W,N,E), country box { $country_box }
cli-error-bad-week = --week { $text } is not a week: write it as YYYY-Www, e.g. { $example }
cli-error-json-and-format = --json and --format name two different formats: give one
cli-error-output-needs-html = -o is for --format html; text and JSON are printed on stdout
cli-error-not-a-registry = { $path } is not an iccc-desk registry (its tables cannot be read): { $detail }
cli-error-week-only-weekly = --week is for `export weekly` only; the other lists are as they stand now
cli-error-weekly-geojson = the week's numbers have no map positions: export them as --format csv or xlsx

## Site map: offline base map (MBTiles file)
map-tiles-error-missing = The base map file { $path } was not found.
map-tiles-error-not-a-file = { $path } is a folder, not a base map file (.mbtiles).
map-tiles-error-unreadable = The base map file { $path } cannot be read: { $detail }
map-tiles-error-not-sqlite = { $path } is not an MBTiles base map (it is not an SQLite database).
map-tiles-error-corrupt = The base map file { $path } is damaged; copy it again from its source. ({ $detail })
map-tiles-error-empty = { $path } is an empty database: it holds no map tiles.
map-tiles-error-no-tiles-table = { $path } is an SQLite database but not an MBTiles base map: it has no "tiles" table.
map-tiles-error-bad-tiles-table = The "tiles" table of { $path } is not in MBTiles form: { $detail }
map-tiles-error-no-tiles = The base map file { $path } has no tiles.
map-tiles-error-vector = { $path } holds vector tiles (map data, not pictures). The desk draws raster tiles (PNG, JPEG or WebP): export the base map as raster MBTiles.
map-tiles-error-unsupported-format = The tiles in { $path } are { $format } pictures; the desk draws PNG, JPEG or WebP tiles.
map-tiles-error-not-images = The tiles in { $path } are not pictures (neither PNG, JPEG nor WebP).
map-tiles-error-too-slow = The base map file { $path } took more than { $seconds } s to answer; it may be too large or missing its index.
map-tiles-error-tile-too-big = Tile { $tile } of { $path } is { $size } bytes, more than the { $max } bytes a map tile may have.
map-tiles-error-database = The base map file { $path } could not be read: { $detail }

## Health
health-online = Online
health-offline = Offline
health-auth-failed = Auth failed
health-stream-error = Stream error
health-not-probed = Not probed yet
# A camera whose stored password cannot be decrypted (its finding, shown under "Last error").
probe-password-unreadable = password unreadable: re-enter it

## Camera wall
nav-wall = Camera wall
filter-health = Health
wall-offline-only = Offline only
wall-offline-only-hint = Show only the cameras the prober finds offline (with the other filters, e.g. one ward)
wall-layout = Layout
wall-layout-list = List
wall-sort = Order
wall-sort-problems = Problems first
wall-sort-name = Name
wall-sort-last-seen = Longest unseen first
wall-order-changed = { $n } changed — refresh order
wall-prober-start = Start probing
wall-prober-pause = Pause probing
wall-prober-rate = Prober: last sweep { $rate } probes/min over { $cameras } cameras
wall-prober-sweeping = Prober: { $rate } probes/min, { $probed } of { $due } due probed
wall-prober-starting = Prober: starting the first sweep
wall-prober-restarting = Prober stopped ({ $error }); restarting in { $seconds } s (restart { $restarts })
wall-prober-held = Prober: the registry is busy (another program is writing); { $results } results held, written on the next try
wall-showing = { $shown } on the wall
wall-empty = No configured or integrated camera matches these filters.
wall-loading = Loading…
wall-no-picture = no picture yet
wall-no-snapshot-url = no snapshot address
wall-last-seen = last seen { $ago }
wall-never-seen = never seen online
wall-not-simulated = Not simulated
wall-not-simulated-why = nobody answers for it: the demo is larger than the open-file limit allows
wall-details-none = Select a tile to see the camera's details.
wall-last-probe = Last probe
wall-latency = Answer time
wall-video = Video
wall-last-error = Last error
wall-uptime = Uptime: { $day } over 24 h, { $week } over 7 days
wall-probe-now = Probe now
wall-events = Status changes
wall-events-none = No status changes yet.
wall-event-online = { $site }, { $camera } is back online { $time }
wall-event-offline = { $site }, { $camera } went offline { $time }
wall-event-auth-failed = { $site }, { $camera } refused the password { $time }
wall-event-stream-error = { $site }, { $camera } has a stream error { $time }
ago-seconds = { $n } s ago
ago-minutes = { $n } min ago
ago-hours = { $n } h ago
ago-days = { $n ->
        [one] { $n } day ago
       *[other] { $n } days ago
    }

# Site map
nav-map = Site map
map-pin-offline = Offline
map-pin-auth-failed = Password refused
map-pin-stream-error = Stream error
map-pin-blocked = Integration blocked
map-pin-not-probed = Not probed yet
map-pin-in-progress = Being integrated
map-pin-online = Online
map-pin-rejected = Rejected
map-layers = Layers
map-layer-base = Base map
map-layer-cameras = Cameras
map-layer-fov = Fields of view
map-layer-priority = Black spots, toll plazas, jail
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-whole-city = Whole city
map-building = Placing cameras on the map…
map-showing = { $cameras ->
    [one] One camera on the map
   *[other] { $cameras } cameras on the map
}
map-find = Find on the map
map-find-hint = site or camera, English or हिन्दी
map-find-none = Nothing found.
map-box-hint = Shift-drag on the map to select the cameras in a box.
map-box-selected = { $count ->
    [one] One camera selected
   *[other] { $count } cameras selected
}
map-box-show-wall = Show on the wall
map-box-show-table = Show in the table
map-box-clear = Clear selection
map-legend = Legend
map-legend-cluster = Several cameras: the ring shows the worst
map-legend-selected = Selected camera
map-legend-fov = Field of view (street zoom)
map-legend-site = Site (street zoom)
map-legend-place-radius = Ground a priority place needs watched
map-legend-pick = Camera being placed, and the handle of its facing
map-legend-label = Camera or site name (street zoom)
map-popup-camera = Camera { $label }
map-popup-site = Site: { $site }
map-popup-health = Health: { $health }
map-popup-stage = Stage: { $stage }
map-popup-open-details = Open details
map-popup-close = Close
map-described = Site map, { $cameras } cameras, zoom { $zoom }
map-scale-km = { $km } km
map-scale-m = { $m } m
map-pick-position = Click where the camera is.
map-pick-bearing = Drag the handle to where the camera looks.
map-pick-bearing-now = Facing { $deg }°
map-pick-done = Done
map-pick-cancel = Back to the form
camera-pick-on-map = Pick on map
camera-facing-on-map = Set facing on map
filter-only-selection = { $count ->
    [one] Map selection: one camera
   *[other] Map selection: { $count } cameras
}
filter-only-clear = Show all cameras again
map-base-tiles-failed = { $count ->
    [one] One base map tile could not be drawn: { $reason }
   *[other] { $count } base map tiles could not be drawn; the last: { $reason }
}
map-base-choose-title = Choose the offline base map (MBTiles)
map-base-filter = MBTiles base map
map-base-choose = Base map file…
map-base-choose-hint = A raster MBTiles file (PNG, JPEG or WebP tiles), kept on this computer: the map needs no network.
map-base-file = Base map: { $file }
map-base-none = No base map: the map draws on a plain background.
## Boundaries (ward and police-station areas on the site map)
boundary-kind-ward = Wards
boundary-kind-police-station = Police-station areas
boundary-error-invalid-json = The file is not valid JSON (line { $line }, column { $column }): { $detail }
boundary-error-not-geojson = The file is JSON but not GeoJSON: { $detail }
boundary-error-bare-geometry = The file holds a single { $found } geometry without names; boundaries need a FeatureCollection whose features carry the names.
boundary-error-empty = The file holds no features.
boundary-error-bad-feature = Feature { $feature } is not valid GeoJSON: { $detail }
boundary-error-no-geometry = Feature { $feature } has no geometry.
boundary-error-not-an-area = Feature { $feature } is a { $geometry }, not an area: boundaries must be polygons (Polygon or MultiPolygon). Is this a file of points or lines?
boundary-error-bad-ring = Feature { $feature } has a ring with fewer than three distinct corners.
boundary-error-declared-other = The file declares its coordinates as { $crs }, which the desk cannot convert (it reads WGS 84 longitude/latitude, Web Mercator and WGS 84 UTM zones). Export the layer again as WGS 84 (EPSG:4326).
boundary-error-outside-declared = Feature { $feature } has the coordinate { $x }, { $y }, which read as { $crs } does not fall in India. Check the coordinate system the file declares.
boundary-note-reprojected-web-mercator = Reprojected from Web Mercator ({ $crs }) to longitude/latitude (WGS 84), as the file declares.
boundary-note-reprojected-utm = Reprojected from UTM zone { $zone } ({ $crs }) to longitude/latitude (WGS 84), as the file declares.
boundary-error-web-mercator = The coordinates are Web Mercator (EPSG:3857) metres, not longitude/latitude (feature { $feature } has { $x }, { $y }), and the file does not declare its coordinate system (no “crs” member naming it), so the desk will not guess. Export the layer again as WGS 84 (EPSG:4326), or with its CRS declared.
boundary-error-utm = The coordinates look like UTM metres (6-digit eastings, 7-digit northings; Jhansi lies in UTM zone 44N, EPSG:32644), not longitude/latitude (feature { $feature } has { $x }, { $y }), and the file does not declare its coordinate system (no “crs” member naming it), so the desk will not guess. Export the layer again as WGS 84 (EPSG:4326), or with its CRS declared.
boundary-error-unknown-coordinates = Feature { $feature } has the coordinate { $x }, { $y }: not longitude/latitude, nor Web Mercator or UTM metres.
boundary-error-swapped = The coordinates seem to be latitude, longitude: as written they fall outside India, swapped they fall inside (feature { $feature } has { $x }, { $y }). GeoJSON puts the longitude first; export the layer again.
boundary-error-missing-name = Feature { $feature } has no value for the name property “{ $property }”.
boundary-error-too-many-features = The file holds { $found } features; the desk reads at most { $limit } (refused to protect memory).
boundary-error-too-many-vertices = The file holds { $found } vertices; the desk reads at most { $limit } (refused to protect memory). Simplify the layer (e.g. QGIS “Simplify”) and export it again.
boundary-error-too-many-values = The file holds { $found } JSON values (properties and coordinates); the desk reads at most { $limit } (refused to protect memory).
map-layer-wards = Wards
map-layer-police = Police-station areas
map-areas-choose = Import boundaries…
map-areas-choose-hint = Ward or police-station areas from a GeoJSON file in longitude/latitude (WGS 84); the layer of that kind is replaced.
map-areas-choose-title = Choose a GeoJSON file of wards or police-station areas
map-areas-filter = GeoJSON
map-areas-import-title = Import boundaries
map-areas-import-file = { $file }: { $count ->
    [one] one area
   *[other] { $count } areas
}
map-areas-kind = Layer
map-areas-name-property = Name from
map-areas-code-property = Code from
map-areas-no-code = (none)
map-areas-sample = The first areas, as they will be named
map-areas-import = Import
map-areas-imported = { $kind }: { $count } areas imported.
map-areas-legend = { $kind } ({ $count })
cli-weekly-title = Weekly review { $week } ({ $from } to { $to }, India Standard Time)
cli-weekly-integrated = Integrated: { $total } in total, { $week } this week, { $last } the week before
cli-weekly-category = {"  "}{ $category }: { $total } of { $cameras } integrated ({ $week } this week, { $last } the week before)
cli-weekly-moves = New surveys: { $surveys }; blocked this week: { $blocked }; unblocked this week: { $resolved }; blocked now: { $blocked_now }
cli-weekly-uptime = Uptime of integrated cameras this week: { $pct } (mean over { $cameras ->
    [one] 1 probed camera
   *[other] { $cameras } probed cameras
  })
cli-weekly-uptime-none = Uptime of integrated cameras this week: no probe results
nav-review = Weekly review
review-title = Weekly review
review-previous-week = « Previous week
review-next-week = Next week »
review-this-week = This week
review-week = { $week } ({ $from } to { $to })
review-integrated-total = Integrated in total
review-integrated-this-week = Integrated this week
review-integrated-last-week = The week before
review-new-surveys = New surveys
review-blocked-this-week = Blocked this week
review-resolved-this-week = Unblocked this week
review-blocked-now = Blocked now
review-uptime = Uptime of integrated cameras
review-by-category = By owner category
review-col-category = Owner category
review-col-cameras = Cameras
review-col-integrated = Integrated
review-col-this-week = This week
review-col-last-week = The week before
review-chart-cumulative = Integrated cameras, week by week
review-chart-weekly = Integrated each week, by owner category
review-coverage-working = Working out which priority places a camera watches…
review-coverage = Coverage: { $gaps ->
    [one] 1 gap
   *[other] { $gaps } gaps
  } — { $covered } of { $places ->
    [one] 1 priority place
   *[other] { $places } priority places
  } watched by a working integrated camera
review-gap-place = Place
review-gap-kind = Kind
review-gap-why = Why
review-gap-candidate = Nearest camera to integrate
review-gap-integrate = { $camera } at { $site }, { $metres } m away ({ $stage }; { $phone })
review-gap-install = none within 500 m: a new camera is needed
review-wards = Coverage by ward
review-wards-none = No ward boundaries yet: import a ward layer on the map screen to see coverage by ward.
review-wards-sort-hint = Sort by this column
review-ward-name = Ward
review-ward-cameras = Cameras
review-ward-integrated = Integrated
review-ward-online = Online
review-ward-places = Priority places
review-ward-gaps = Gaps
review-ward-density = Cameras per km²
review-computed-at = Computed at { $time } IST
review-computed-updating = Computed at { $time } IST — updating…
review-counting = Counting the week's figures from the stage history…
review-so-far = Now, from the registry (the week's figures follow):
review-cameras-now = Cameras recorded
review-integrated-now = Integrated now

## Exports (CSV, XLSX, GeoJSON)
export-done-sites = Wrote { $rows ->
    [one] { $rows } site
   *[other] { $rows } sites
  } to { $path } ({ $format }, { $size })
export-done-cameras = Wrote { $rows ->
    [one] { $rows } camera
   *[other] { $rows } cameras
  } to { $path } ({ $format }, { $size })
export-done-blocked = Wrote { $rows ->
    [one] { $rows } blocked camera
   *[other] { $rows } blocked cameras
  } to { $path } ({ $format }, { $size })
export-done-gaps = Wrote { $rows ->
    [one] { $rows } coverage gap
   *[other] { $rows } coverage gaps
  } to { $path } ({ $format }, { $size })
export-done-weekly = Wrote the week's numbers ({ $rows } rows) to { $path } ({ $format }, { $size })
export-all-categories = All categories
export-button = Export…
export-menu-item = { $list } as { $format }
export-list-sites = Sites
export-list-cameras = Cameras
export-list-gaps = Coverage gaps
export-list-blocked = Blocked cameras
export-list-weekly = Week { $week } numbers
export-format-csv = CSV (Excel)
export-format-xlsx = XLSX (Excel)
export-format-geojson = GeoJSON (GIS)
export-no-dialog = The save dialog cannot be opened (the system refused a thread); try again.
export-dialog-title = Export { $list }
export-writing = Writing { $list }…
export-err-folder-missing = Cannot write { $path }: the folder { $folder } does not exist.
export-err-not-a-folder = Cannot write { $path }: { $folder } is not a folder.
export-err-read-only = Cannot write { $path }: the folder { $folder } is read-only or not writable by this user.
export-err-disk-full = Cannot write { $path }: the disk is full.
export-err-target-is-folder = Cannot write { $path }: it is a folder; name a file.
export-err-io = Cannot write { $path }: { $reason }.
export-err-no-points = Cannot write { $path } as GeoJSON: the list has no map positions.
export-err-too-many-rows = Cannot write { $path } as XLSX: { $rows } rows are more than a sheet holds.
export-err-protected = Cannot write { $path }: it is { $what }; choose another file name.
export-err-not-regular = Cannot write { $path }: it is a { $kind }, not a plain file; choose another file name.
export-cut-cells = { $cells } text cells were longer than a sheet cell holds ({ $limit } characters): cut, and marked “… [cut]”.

## Bulk import
import-label-from-id = Camera { $id }
import-label-from-row = Camera of row { $row }
import-site-operator = Operator: { $operator }
import-note-area-default = "{ $text }" is not an area the desk knows; recorded as { $area }.
import-note-category-default = "{ $text }" is not an owner category the desk knows; recorded as { $category }.
import-note-direction-first = Several directions "{ $text }": the first, { $deg }°, was taken.
import-note-direction-range = The range "{ $text }" was read as facing { $deg }° with a { $width }° field of view.
import-note-credentials-moved = The user name and password in the address were taken out of it and stored apart (the password encrypted).
import-note-phone = "{ $text }" is not an Indian phone number; left empty.
import-note-private-rejected = Watches a private area ({ $area }): imported as rejected, never to be integrated.
import-note-credential-dropped = Credential dropped because the host changed from { $from } to { $to } (the stored password is never sent to a new host); type it in again.
import-refuse-direction = "{ $text }" is not a direction (degrees, or a compass point such as N, SW, south); imported without a facing.
import-refuse-number = "{ $text }" is not a number from { $min } to { $max }; imported without it.
import-refuse-channel = "{ $text }" is not an NVR channel number.
import-refuse-no-point = No coordinates: map the latitude and longitude columns (or a WKT point).
import-refuse-not-number = "{ $text }" is not a coordinate.
import-refuse-grouped = "{ $text }" looks mangled by thousands grouping (more than one separator); the place it meant cannot be known.
import-refuse-zero-zero = The point is (0, 0): a blank GPS fix, not a place.
import-refuse-projected = These are metres of a projected system, not degrees: probably { $crs }. Export the list in WGS 84 longitude/latitude (EPSG:4326).
import-columns-used = Points are read from the columns { $lat } (latitude) and { $lon } (longitude).
import-columns-passed-over = Passed over the columns { $lat } and { $lon } as latitude and longitude: { $why }.
import-columns-why-mapped = the mapping reads the point from the other columns
import-columns-why-named = columns named latitude and longitude come first
import-columns-why-projected = they hold metres of a projected system, probably { $crs }, not degrees
import-columns-why-empty = they hold no usable degrees (empty, 0 or not numbers)
import-columns-why-fewer = { $count } of their first { $rows } rows lie in { $city }, against { $used } for the columns read
import-refuse-out-of-range = ({ $lat }, { $lon }) is not a latitude and longitude.
import-refuse-swapped = Latitude { $lat } and longitude { $lon } look swapped: swapped they fall in the service area, as written they do not. Swap the two columns in the mapping.
import-refuse-private-in-use = Camera { $id } is already at { $stage }; a private area cannot be recorded for it (reject it first).
import-same-source-id = the same source id
import-same-stream-url = the same stream address
import-same-nvr-channel = the same NVR and channel
import-same-point-label = the same place and name
import-skip-duplicate-row = Same camera as row { $row } ({ $same }); skipped.
import-skip-duplicate-camera = Already in the registry as camera { $id } ({ $same }); skipped.
import-near-duplicate-row = Possibly the same camera as row { $row }: { $distance } m away, { $why }.
import-near-duplicate-camera = Possibly the same camera as registry camera { $id } ({ $label }): { $distance } m away, { $why }.
import-near-why-names = a name that reads the same
import-near-why-id = the same { $column }
# Blocked integrations
nav-blocked = Blocked
blocked-title = Blocked integrations
blocked-total = { $cameras ->
        [one] One camera blocked
       *[other] { $cameras } cameras blocked
    } at { $owners ->
        [one] one owner
       *[other] { $owners } owners
    }
blocked-none = No camera is blocked.
blocked-loading = Reading the blocked cameras…
blocked-by-category = By owner category
blocked-col-category = Owner category
blocked-col-owners = Owners
blocked-col-cameras = Cameras blocked
blocked-col-oldest = Oldest block
blocked-col-top-reason = Top reason
blocked-all-categories = All categories
blocked-days = { $n ->
        [one] { $n } day
       *[other] { $n } days
    }
blocked-reason-count = { $reason } ({ $count })
blocked-order = Order
blocked-oldest-first = Oldest block first
blocked-newest-first = Newest block first
blocked-col-camera = Camera
blocked-col-reason = Reason
blocked-col-since = Blocked since (IST)
blocked-col-stage = Blocked at stage
blocked-col-note = Last note
blocked-since = { $date } ({ $days })
blocked-note = “{ $note }” — { $user }, { $time }
blocked-no-note = no note yet
blocked-owner-call = call { $person } { $phone }
blocked-selected = { $camera } at { $site }
blocked-choose-camera = Choose a camera in the list to write a follow-up note or change its stage.
blocked-note-hint = What did the owner say?
blocked-save-note = Save note
blocked-change-stage = Change stage…
blocked-note-saved = Note saved for { $camera }.
import-report-refused = refused
import-report-skipped = skipped
import-report-note = note
import-field-source-id = Source id
import-field-label = Camera name
import-field-site-name = Site name
import-field-site-name-hi = Site name (Hindi)
import-field-operator = Operator / owner
import-field-owner-category = Owner category
import-field-latitude = Latitude
import-field-longitude = Longitude
import-field-point-wkt = Point (WKT)
import-field-direction = Direction
import-field-field-of-view = Field of view
import-field-range = Range
import-field-area-watched = Area watched
import-field-address = Address
import-field-ward = Ward
import-field-police-station = Police station
import-field-contact-person = Contact person
import-field-phone = Phone
import-field-stream-url = Stream URL
import-field-snapshot-url = Snapshot URL
import-field-nvr-host = NVR host
import-field-nvr-channel = NVR channel
import-field-make = Make
import-field-model = Model
import-field-username = User name
import-field-password = Password
import-field-notes = Notes
import-field-recorder-retention-days = Recorder keeps footage (days)
## Printable weekly report (HTML; iccc-desk report weekly --format html, the review screen's button)
report-html-title = Weekly review { $week } — ICCC Jhansi
report-org = Safe City Jhansi · Integrated Command and Control Centre (ICCC)
report-heading = Weekly review { $week }: camera integration
report-dates = Monday { $from } to Sunday { $to } (India Standard Time) · for the divisional commissioner's review meeting
report-demo-banner = DEMO DATA — invented sites, owners and people; not the real registry
report-charts = Progress week by week
report-of-cameras = of { $cameras ->
    [one] 1 camera
   *[other] { $cameras } cameras
  } recorded
report-change = { $change } against the week before ({ $last })
report-at-week-end = at the week's end
report-uptime-probed = mean of { $cameras ->
    [one] 1 probed camera
   *[other] { $cameras } probed cameras
  }
report-uptime-none = no probe results this week
report-tile-gaps = Coverage gaps (now)
report-gaps-of = { $covered } of { $places ->
    [one] 1 priority place
   *[other] { $places } priority places
  } covered
report-col-change = Change
report-axis-week = ISO week
report-axis-cameras = Cameras
report-gaps-title = Coverage gaps: priority places without a working camera
report-gaps-note = As at { $time } IST. A place is covered when an integrated camera that answered a probe in the last 24 hours sees it. By kind, then name.
report-gaps-none = Every priority place is watched by a working integrated camera.
report-col-no = No.
report-col-distance = Distance (m)
report-col-stage = Stage
report-col-phone = Phone · contact
report-footer = Generated { $time } IST by iccc-desk { $version } from the ICCC camera registry. Integration figures are counted from each camera's stage history up to the week's end; coverage is as at { $coverage_time } IST.
report-err-read = Cannot read the registry for the report: { $detail }
cli-report-written = Wrote the weekly report for { $week } to { $path } (HTML, { $size })
cli-report-html-needs-output = The HTML report is a file: name it with -o FILE (e.g. -o weekly-{ $week }.html)
review-printable = Printable report
review-printable-hint = Write this week's report (numbers, charts, coverage gaps) as an HTML file in the language shown, and open it to print
review-printable-writing = Writing the printable report…
review-printable-opening = Wrote the printable report { $path } ({ $size }); opening it in the system's viewer
review-printable-written = Wrote the printable report { $path } ({ $size })
review-printable-no-viewer = Wrote the printable report, but no viewer could open it ({ $detail }): open { $path } yourself
report-source = Registry file: { $file }
nav-import = Import cameras
task-import = Importing cameras…
import-title = Import a camera list
import-choose = Choose file…
import-choose-title = Choose a camera list to import
import-choose-filter = Camera lists (CSV, Excel, ODS, GeoJSON, Overpass JSON)
import-drop-hint = or drop the file on this window
import-intro = Owners, police stations and the GIS team send camera lists as CSV (any delimiter, UTF-8 or UTF-16), Excel or ODS sheets, GeoJSON points or OpenStreetMap Overpass JSON. Choose one: its columns are matched to the registry's fields, every row is checked, and nothing is written until you say so.
import-reading = Reading the file…
import-file-summary = { $rows } rows, { $columns } columns ({ $format })
import-profile = Mapping:
import-profile-choose = Apply a saved profile…
import-profile-guess = Guess from the headers
import-profile-name = Save as
import-profile-save = Save mapping as profile
import-profile-saved = Mapping saved as the profile "{ $name }".
import-duplicates = Cameras already in the registry:
import-duplicates-skip = skip them
import-duplicates-update = update them from the file
import-near-duplicates-skip = Skip rows possibly listed twice
import-near-duplicates-hover = A row within 5 m of another row or of a registry camera, with a name that reads the same or the same pole or asset number, is possibly one camera listed twice. Unticked, such rows are added and the report names the other row or camera; ticked, they are left out.
import-default-category = Owner category when a row says none:
import-default-area = Area watched when a row says none:
import-not-imported = — not imported —
import-check = Check the rows
import-checking = Checking every row against the registry…
import-count-add = To add
import-count-update = To update
import-count-unchanged = Unchanged
import-count-skip = Skipped (duplicates)
import-count-refuse = Refused
import-count-sites = New sites
import-count-private = Private areas (as rejected)
import-count-possible-duplicates = Possibly listed twice
import-commit = Import { $count } cameras
import-cancel = Cancel
import-save-report = Save report as CSV…
import-report-saved = Report saved to { $path }
import-done = Imported: { $added ->
    [one] { $added } camera
   *[other] { $added } cameras
  } added, { $updated } updated, { $sites ->
    [one] { $sites } new site
   *[other] { $sites } new sites
  }.
import-col-row = Row
import-col-what = What
import-col-field = Field
import-col-why = Why

## Registry (database) errors: the English sentences are the errors' own text (the CLI prints them)
store-error-not-a-registry = { $path } is not an iccc-desk registry (not a readable SQLite database): { $detail }
store-error-newer-schema = { $path } was written by a newer iccc-desk (schema version { $found }; this build knows up to { $supported }); it was not changed
store-error-read-only = { $path } is read-only: the desk needs to write to the registry (check the file's permissions)
store-error-cannot-open = cannot open { $path }: { $detail }
store-error-busy = the registry is busy: another desk kept it locked for more than { $seconds } s; try again
store-error-conflict = { $entity } { NUMBER($id, useGrouping: "false") } was changed by { $user } at { $time } IST after you opened it; your edit was not saved
store-error-not-found = { $entity } { NUMBER($id, useGrouping: "false") } does not exist (it may have been removed by another desk)
store-error-invalid = { NUMBER($count, useGrouping: "false") } field problem(s): { $fields }
store-error-stage = stage change refused: { $detail }
store-error-database = registry database error: { $detail }
store-error-corrupt = the registry's data is damaged: { $detail }
store-error-bad-service-area = service area refused: { $detail }
store-error-damaged = { $path } is damaged (SQLite's integrity check: { $detail }); nothing was written to it: restore it from a backup
store-error-guards-changed = { $path }: the registry's safeguards were changed outside the desk ({ $detail }); nothing was written to it: restore it from a backup
store-error-history-changed = { $path }: the registry's history was changed outside the desk ({ $detail }); nothing was written to it: restore it from a backup
store-error-missing = { $path }: no such registry file (nothing was created); give an existing registry, or make one with the desk or `iccc-desk demo`
store-error-key-file = cannot read or write the password key file { $path }: { $detail }
store-error-bad-key-file = the password key file { $path } is damaged: { $detail }
store-error-undecryptable = the stored password cannot be decrypted (wrong key or damaged data)
store-error-bad-registry-uuid = the registry's id { $shown } is not a hex id; refusing to use it to name a password key file
store-error-key-file-not-plain = the password key file { $path } is not a plain file (a symlink or folder?); refusing to use it

## Worker, import and demo errors as the desk shows them
worker-error-thread = The desk could not start a background task ({ $thread }): { $reason }
task-cancelled = The background task { $task } was cancelled.
task-panicked = The background task { $task } stopped on an internal error (see the details); what it was doing is not shown.
import-error-registry-changed = the registry changed after the check (another desk saved something); check the file again before importing
import-error-cancelled = the import was cancelled; the registry is as it was
import-error-row = row { NUMBER($row, useGrouping: "false") }: { $reason }
demo-error-not-empty = { $path } already holds { NUMBER($sites, useGrouping: "false") } site(s): the demo registry is written only into an empty registry file
demo-error-cancelled = the demo registry was cancelled; nothing was written
demo-error-size = a demo registry has { NUMBER($min, useGrouping: "false") } to { NUMBER($max, useGrouping: "false") } cameras, not { NUMBER($cameras, useGrouping: "false") }
simulator-error-in-use = { $address } is already in use: is another simulator (or a desk showing the demo registry) running?
# A failed task or import in the status bar: the error's own sentence (it says what was not done).
status-task-failed = { $error }
status-import-failed = { $error }

## The command line's own failures and progress lines
cli-error-line = iccc-desk: { $message }
cli-error-in-file = { $path }: { $error }
cli-error-flag = --{ $flag }: { $error }
cli-error-json-results = cannot write the results as JSON: { $detail }
cli-error-json-report = cannot write the report as JSON: { $detail }
cli-error-json-figures = cannot write the figures as JSON: { $detail }
cli-error-ctrl-c = cannot catch Ctrl-C: { $detail }
cli-error-no-program = cannot find this program: { $detail }
cli-import-progress-line = importing: { $percent } %
map-tile-error-unreadable = tile { $tile } cannot be read: { $detail }
map-tile-error-not-a-picture = tile { $tile } is not a PNG, JPEG or WebP picture
map-tile-error-undecodable = tile { $tile } is not a picture that decodes: { $detail }
map-tile-error-too-large = tile { $tile } is { NUMBER($width, useGrouping: "false") }×{ NUMBER($height, useGrouping: "false") } pixels, more than the { NUMBER($max, useGrouping: "false") }×{ NUMBER($max, useGrouping: "false") } a map tile may have

## Incident lookup: which cameras could have seen a point (model/lookup.rs, model/health_at.rs)
lookup-reason-sees = { NUMBER($distance, useGrouping: "false") } m, { NUMBER($off, useGrouping: "false") }° off its axis
lookup-reason-on-the-point = stands at the point
lookup-reason-all-around = { NUMBER($distance, useGrouping: "false") } m, sees all around
lookup-reason-direction-unknown = { NUMBER($distance, useGrouping: "false") } m, direction not recorded
lookup-reason-angle-unknown = { NUMBER($distance, useGrouping: "false") } m, { NUMBER($off, useGrouping: "false") }° off its axis, angle of view not recorded
lookup-reason-faces-away = { NUMBER($distance, useGrouping: "false") } m, faces away ({ NUMBER($off, useGrouping: "false") }° off its axis; it sees { NUMBER($half, useGrouping: "false") }° either side)
lookup-reason-out-of-range = { NUMBER($distance, useGrouping: "false") } m, beyond its range of { NUMBER($range, useGrouping: "false") } m
lookup-reason-range-assumed = (range not recorded: { NUMBER($range, useGrouping: "false") } m taken)
lookup-footage-kept = footage kept until { $date } ({ NUMBER($days, useGrouping: "false") } days on the recorder)
lookup-footage-gone = footage already overwritten on { $date } ({ NUMBER($days, useGrouping: "false") } days on the recorder)
lookup-health-online-once = online at { $at }
lookup-health-online = online at { $first } and { $last }
lookup-health-since = { $state } since { $since }
lookup-health-changed = { $before } at { $before_at }, { $after } at { $after_at }
lookup-health-not-probed = not probed then
cli-lookup-heading = Cameras that could have seen { $point } at { $when } (IST): { NUMBER($count, useGrouping: "false") }
cli-lookup-line = { NUMBER($n, useGrouping: "false") }. camera { NUMBER($id, useGrouping: "false") } { $camera } at { $site } ({ $contact } { $phone }): { $reason }; { $stage }; { $health }; { $footage }
cli-error-lookup-at = --at needs LAT,LON in degrees (e.g. 25.4486,78.5697), not "{ $text }"
cli-error-lookup-time = "{ $text }" is not a local time in India written the ISO way (e.g. "2026-12-06 21:40" or 2026-12-06T21:40)
cli-error-lookup-window = the window ends before it starts ({ $text })
cli-error-lookup-radius = --radius-m needs a distance in metres, 0 or more, not { $text }
cli-error-json-lookup = cannot write the lookup as JSON: { $detail }
