-- Every location whose state code is real carries the state's name. A seed code with a stray
-- space ("DC ") once cost a public pipeline every DC listen; this catches it in the dimension.
select location_key, state_code
from {{ ref('dim_locations') }}
where state_code <> 'NA' and state_name = 'NA'
