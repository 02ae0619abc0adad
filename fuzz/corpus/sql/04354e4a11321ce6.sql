SELECT value, as_list_of_records, as_nested_struct FROM nested
