SELECT try_cast('12' AS INT), try_cast('x' AS INT), try_cast('2019-12-09' AS DATE), try_cast('nope' AS DATE), try_cast('1.5' AS DOUBLE)
