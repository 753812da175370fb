{#- A US state code is exactly two upper-case letters, with no whitespace around it
    ("DC " once cost a public pipeline every DC listen). `allow` lists other accepted values. -#}
{% test state_code_format(model, column_name, allow=[]) %}
select {{ column_name }}
from {{ model }}
where not {% if target.type == 'snowflake' %}regexp_like({{ column_name }}, '^[A-Z]{2}$'){% else %}regexp_matches({{ column_name }}, '^[A-Z]{2}$'){% endif %}
{%- for a in allow %}
  and {{ column_name }} <> '{{ a }}'
{%- endfor %}
{% endtest %}
