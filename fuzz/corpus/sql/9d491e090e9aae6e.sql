SELECT X'CAFE', CAST('abc' AS BINARY), 'it''s', 'tab\there', length('a\nb')
