SELECT * FROM delta.`/nonexistent/no_such_table_here`
