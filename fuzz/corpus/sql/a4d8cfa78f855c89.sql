SELECT to_date(NULL, 'M/d/yyyy'), date_add(NULL, 1), year(NULL)
