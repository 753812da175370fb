{{ config(severity='warn') }}
-- Landing never drops a record silently: what it could not parse waits in raw.dead_letters.
-- A warning, not an error, so the models still build; each row says which file/offset and why.
select _topic, _file, _partition, _offset, reason
from {{ source('eventsim', 'dead_letters') }}
