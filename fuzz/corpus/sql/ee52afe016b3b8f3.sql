SELECT length(s), upper(s), concat(s, '!') FROM types
