SELECT nullif(1, 1), nullif(1, 2), if(NULL, 1, 2), if(true, NULL, 2), coalesce(NULL, 'x')
