      loop $for-loop|2
       local.get $1
       i32.const 8
       i32.add
       local.tee $4
       local.get $26
       i32.le_u
       if
        local.get $19
        local.get $1
        v128.load32_splat
        local.tee $25
        local.get $18
        v128.load8x8_s align=1
        i32x4.dot_i16x8_s
        i32x4.add
        local.set $19
        local.get $17
        local.get $25
        local.get $18
        v128.load8x8_s offset=8 align=1
        i32x4.dot_i16x8_s
        i32x4.add
        local.set $17
        local.get $20
        local.get $1
        v128.load32_splat offset=4
        local.tee $25
        local.get $18
        v128.load8x8_s offset=16 align=1
        i32x4.dot_i16x8_s
        i32x4.add
        local.set $20
        local.get $21
        local.get $25
        local.get $18
        v128.load8x8_s offset=24 align=1
        i32x4.dot_i16x8_s
        i32x4.add
        local.set $21
        local.get $18
        i32.const 32
        i32.add
        local.set $18
        local.get $4
        local.set $1
        br $for-loop|2
       end
      end