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

## Field problems
err-required = This field is required.
err-too-long = Too long: at most { $max } characters.
err-not-a-number = "{ $text }" is not a number.
err-out-of-range = Must be between { $min } and { $max }.
err-outside-india = This point is outside India; check the latitude and longitude.
err-looks-swapped = Latitude and longitude look swapped: swapped, the point lies in India.
err-zero-zero = (0, 0) is not a real location; enter the camera's coordinates.
err-bad-phone = Not an Indian phone number (10 digits, optionally with +91 or 0, or an STD code and number).
err-bad-url = Not a valid address: { $detail }.
err-wrong-scheme = Must start with { $expected }://, not { $found }://.
err-credentials-in-url = Do not put a username or password in the URL; use the Username and Password fields.
err-duplicate-stream-url = This stream URL is already used by { $camera }.
err-duplicate-nvr-channel = This NVR and channel are already used by { $camera }.
err-private-area-in-use = A private area cannot be watched by a camera at stage "{ $stage }"; reject it first.

## Stage change problems
stage-err-already-there = The camera is already at this stage.
stage-err-private-area = This camera watches a private area: it can only be rejected, never integrated.
stage-err-reject-common = Only cameras that watch a private area are rejected; block this one with a reason instead.
stage-err-not-allowed = This stage cannot be reached from the current one.
stage-err-reason-needed = Choose a reason to block the camera.
stage-err-note-needed = Write in the note what the other reason is.
stage-err-stream-needed = Enter the stream URL (or NVR and channel) before configuring or integrating.
