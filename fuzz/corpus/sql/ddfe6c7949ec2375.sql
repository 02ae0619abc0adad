SELECT upper(NULL), lower(NULL), trim(NULL), substr(NULL, 1, 2), replace(NULL, 'a', 'b'), lpad(NULL, 3, 'x'), starts_with(NULL, 'a')
